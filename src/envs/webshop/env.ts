/**
 * The in-process WebShop text environment: the gym `WebAgentTextEnv` semantics
 * (docs/webshop-port.md#actions) over a plain-JSON state, so any tree node can resume exactly.
 */
import { UserError } from '../../core/errors.js';
import { seedFrom } from '../../core/rng.js';
import type { Env, ResetResult, ReturnRules, StepResult } from '../../core/env.js';
import type { WebshopCatalog } from './catalog.js';
import type { Goal } from './goals.js';
import {
  BUTTON,
  SUB_PAGES,
  observationText,
  renderDone,
  renderInit,
  renderItem,
  renderResults,
  renderSubPage,
  type RenderedPage,
  type RenderMode,
  type SubPage,
} from './pages.js';
import { getReward, type RewardInfo } from './reward.js';
import { resultsPage } from './search.js';
import type { Product } from './products.js';

/** Everything about an episode, as JSON. The goal is not in it: it is looked up from `task`. */
export interface WebshopState {
  task: string;
  page: 'init' | 'results' | 'item' | 'sub' | 'done';
  /** The last search's keywords (`arg.split(' ')`), null before a search. */
  keywords: string[] | null;
  pageNum: number | null;
  asin: string | null;
  /** Chosen options, option name -> value (the last click per name wins). */
  options: Record<string, string>;
  subPage: SubPage | null;
  /** The score shown on the done page. */
  reward: number | null;
}

export interface WebshopEnvOptions {
  /** Show the Attributes button on item pages (`show_attrs`, off by default as in the official env). */
  showAttrs?: boolean;
  /** Seed for `search[<r>]` draws (combined with the task id). */
  seed?: number;
}

/**
 * Returns for MCTS: a bought item's score in [0, 1]; running out of steps backs up -0.5
 * (the official collection code's depth-limit value); success is a perfect score.
 */
/** Actions per episode. */
export const WEBSHOP_MAX_DEPTH = 10;

export const WEBSHOP_RETURNS: ReturnRules = {
  terminal: (r) => r,
  depthLimit: -0.5,
  isSuccess: (r) => r === 1,
  success: 'reward = 1 (the bought product matches every attribute, option, price and type)',
};

/** `parse_action`: `^(.+)\[(.+)\]` with Python semantics ("." excludes only "\n", greedy). */
export function parseWebshopAction(action: string): { name: string; arg: string | null } {
  const m = /^([^\n]+)\[([^\n]+)\]/.exec(action);
  return m ? { name: m[1] as string, arg: m[2] as string } : { name: action, arg: null };
}

export class WebshopEnv implements Env<WebshopState> {
  readonly name = 'webshop';
  readonly maxDepth = WEBSHOP_MAX_DEPTH;
  readonly returns = WEBSHOP_RETURNS;
  private readonly showAttrs: boolean;
  private readonly seed: number;

  constructor(
    readonly catalog: WebshopCatalog,
    options: WebshopEnvOptions = {},
  ) {
    this.showAttrs = options.showAttrs ?? false;
    this.seed = options.seed ?? 0;
  }

  private goal(taskId: string): Goal {
    const goal = this.catalog.goalOf(taskId);
    if (!goal)
      throw new UserError(
        `webshop: unknown task "${taskId}" (expected fixed_0 .. fixed_${this.catalog.goals.length - 1})`,
      );
    return goal;
  }

  async reset(taskId: string): Promise<ResetResult<WebshopState>> {
    this.goal(taskId);
    const state = initState(taskId);
    return { state, observation: observationText(this.render(state)) };
  }

  /**
   * The current page of a state: its text segments and clickables (with mode 'clickables',
   * results and item pages skip their text).
   */
  render(state: WebshopState, mode: RenderMode = 'page'): RenderedPage {
    const instruction = this.goal(state.task).instructionText;
    switch (state.page) {
      case 'init':
        return renderInit(instruction);
      case 'results': {
        const results = this.results(state);
        return renderResults(
          instruction,
          state.pageNum ?? 1,
          results.length,
          resultsPage(results, state.pageNum ?? 1),
          mode,
        );
      }
      case 'item':
        return renderItem(instruction, this.productOf(state), this.showAttrs, mode);
      case 'sub':
        return renderSubPage(instruction, this.productOf(state), state.subPage ?? 'Description');
      case 'done':
        return renderDone(state.asin ?? '', state.options, state.reward ?? 0);
    }
  }

  /** The observation text of a state (what `step` would show for it). */
  observe(state: WebshopState): string {
    return observationText(this.render(state));
  }

  /** The lower-cased clickables of a state's page, in the text env's order. */
  clickables(state: WebshopState): string[] {
    return [...this.render(state, 'clickables').clickables.keys()];
  }

  private results(state: WebshopState): readonly Product[] {
    return this.catalog.search.results(state.keywords ?? [''], seedFrom(this.seed, state.task));
  }

  private productOf(state: WebshopState): Product {
    const product = state.asin ? this.catalog.product(state.asin) : undefined;
    if (!product)
      throw new Error(
        `webshop state on page ${state.page} without a known product (${String(state.asin)})`,
      );
    return product;
  }

  async step(state: WebshopState, action: string): Promise<StepResult<WebshopState>> {
    const page = this.render(state, 'clickables');
    const { name, arg: rawArg } = parseWebshopAction(action);
    const arg = rawArg === null ? null : rawArg.toLowerCase();
    if (name === 'search' && arg) {
      const next: WebshopState = {
        ...state,
        page: 'results',
        keywords: arg.split(' '),
        pageNum: 1,
        asin: null,
        options: {},
        subPage: null,
        reward: null,
      };
      return this.result(next, 0, false);
    }
    const clickable = arg !== null && arg !== 'search' ? page.clickables.get(arg) : undefined;
    if (name !== 'click' || arg === null || !clickable) {
      return { state, observation: this.observe(state), reward: 0, done: false, valid: false };
    }
    if (arg === BUTTON.buyNow.toLowerCase()) {
      const product = this.productOf(state);
      const { reward, info } = getReward(
        purchasedInfo(product),
        this.goal(state.task),
        product.hiddenPrice,
        state.options,
      );
      const next: WebshopState = { ...state, page: 'done', subPage: null, reward };
      return { ...this.result(next, reward, true), info: rewardInfo(info) };
    }
    if (arg === BUTTON.backToSearch.toLowerCase())
      return this.result(initState(state.task), 0, false);
    if (arg === BUTTON.next.toLowerCase() && state.page === 'results') {
      return this.result({ ...state, pageNum: (state.pageNum ?? 1) + 1 }, 0, false);
    }
    if (arg === BUTTON.prev.toLowerCase() && state.page === 'results') {
      return this.result({ ...state, pageNum: (state.pageNum ?? 1) - 1 }, 0, false);
    }
    if (arg === BUTTON.prev.toLowerCase() && state.page === 'sub') {
      return this.result({ ...state, page: 'item', subPage: null }, 0, false);
    }
    if (arg === BUTTON.prev.toLowerCase() && state.page === 'item') {
      return this.result(
        { ...state, page: 'results', asin: null, options: {}, subPage: null },
        0,
        false,
      );
    }
    const sub = SUB_PAGES.find((s) => s.toLowerCase() === arg);
    if (sub) return this.result({ ...state, page: 'sub', subPage: sub }, 0, false);
    // Anything else re-renders the item page: an ASIN link opens it, a radio value sets that option.
    if (clickable.kind === 'asin')
      return this.result({ ...state, page: 'item', asin: clickable.asin, subPage: null }, 0, false);
    if (clickable.kind === 'option') {
      return this.result(
        {
          ...state,
          page: 'item',
          subPage: null,
          options: { ...state.options, [clickable.name]: arg },
        },
        0,
        false,
      );
    }
    return this.result({ ...state, page: 'item', subPage: null }, 0, false);
  }

  private result(state: WebshopState, reward: number, done: boolean): StepResult<WebshopState> {
    return { state, observation: this.observe(state), reward, done, valid: true };
  }
}

export function initState(task: string): WebshopState {
  return {
    task,
    page: 'init',
    keywords: null,
    pageNum: null,
    asin: null,
    options: {},
    subPage: null,
    reward: null,
  };
}

export function purchasedInfo(p: Product) {
  return {
    query: p.query,
    productCategory: p.productCategory,
    name: p.name,
    attributes: p.attributes,
    title: p.title,
    bulletPoints: p.bulletPoints,
    description: p.description,
  };
}

function rewardInfo(info: RewardInfo): Record<string, number> {
  const out: Record<string, number> = {
    r_type: info.rType,
    r_att: info.rAttr,
    r_price: info.rPrice,
    title_score: info.titleScore,
    query_match: info.queryMatch ? 1 : 0,
    category_match: info.categoryMatch ? 1 : 0,
  };
  if (info.rOption !== null) out.r_option = info.rOption;
  return out;
}
