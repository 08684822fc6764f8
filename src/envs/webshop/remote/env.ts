/**
 * `--webshop-url`: the WebShop env over HTTP against a running official WebShop Flask
 * server. The server keeps only each session's goal; where the agent is lives in the
 * plain-JSON state on our side, and every step re-requests the state's own URL, so tree
 * branches never interfere. Sessions are `fixed_{i}` (docs/method.md#webshop-session-ids). Pages are turned
 * into the same [SEP] text and clickables as the in-process env, and actions follow the
 * same validity rules (the gym text env's, docs/webshop-port.md#actions).
 */
import { statSync } from 'node:fs';
import { UserError } from '../../../core/errors.js';
import { OptionError } from '../../../core/settings.js';
import type { Env, EnvBundle, ResetResult, StepResult } from '../../../core/env.js';
import type { EnvCreateOptions } from '../../../core/registry.js';
import { WEBSHOP_MAX_DEPTH, WEBSHOP_RETURNS, parseWebshopAction } from '../env.js';
import { SEP, parseWebshopHtml, type ParsedPage } from '../html-text.js';
import { BUTTON, SUB_PAGES, observationText, renderDone } from '../pages.js';
import { FULL_CATALOGUE_GOALS, findPaperSplits, paperSplits, seededSplits } from '../splits.js';
import { HttpStatusError, PageFetcher, type PageFetcherOptions } from './http.js';
import { pathOf, type RemoteWebshopState } from './urls.js';

export type { RemoteWebshopState } from './urls.js';

const SCORE_LABEL = 'Your score (min 0.0, max 1.0)';

/** The score printed on a done page. */
export function readScore(page: ParsedPage, url: string): number {
  const at = page.segments.indexOf(SCORE_LABEL);
  const value = at >= 0 ? Number(page.segments[at + 1]) : Number.NaN;
  if (!Number.isFinite(value))
    throw new UserError(`WebShop server: no score after "${SCORE_LABEL}" on ${url}`);
  return value;
}

export interface RemoteWebshopOptions extends PageFetcherOptions {
  /** Timeout of the very first request, during which the server loads its catalogue. */
  firstTimeoutMs?: number;
}

export class RemoteWebshopEnv implements Env<RemoteWebshopState> {
  readonly name = 'webshop';
  readonly maxDepth = WEBSHOP_MAX_DEPTH;
  readonly returns = WEBSHOP_RETURNS;
  readonly fetcher: PageFetcher;

  constructor(
    readonly baseUrl: string,
    options: RemoteWebshopOptions = {},
  ) {
    this.fetcher = new PageFetcher(baseUrl.replace(/\/+$/, ''), options);
  }

  /** The parsed page a state shows; re-opens the session once if the server forgot it (e.g. after a restart). */
  async page(state: RemoteWebshopState): Promise<ParsedPage> {
    const path = pathOf(state);
    try {
      return parseWebshopHtml(await this.fetcher.get(path));
    } catch (err) {
      if (!(err instanceof HttpStatusError) || state.page === 'init')
        throw this.explain(err, state);
      try {
        await this.fetcher.fresh(pathOf({ ...state, page: 'init' }));
        return parseWebshopHtml(await this.fetcher.get(path));
      } catch (again) {
        throw this.explain(again, state);
      }
    }
  }

  private explain(err: unknown, state: RemoteWebshopState): unknown {
    if (err instanceof HttpStatusError) {
      return new UserError(
        `WebShop server ${this.baseUrl}: ${err.message} for task ${state.task} (is ${state.task} a goal of this server?)`,
      );
    }
    return err;
  }

  async reset(taskId: string): Promise<ResetResult<RemoteWebshopState>> {
    if (!/^fixed_\d+$/.test(taskId))
      throw new UserError(`webshop: unknown task "${taskId}" (expected fixed_<i>)`);
    const state: RemoteWebshopState = {
      task: taskId,
      page: 'init',
      keywords: null,
      pageNum: null,
      asin: null,
      options: {},
      subPage: null,
      reward: null,
    };
    return { state, observation: (await this.page(state)).segments.join(SEP) };
  }

  async step(state: RemoteWebshopState, action: string): Promise<StepResult<RemoteWebshopState>> {
    const current = await this.page(state);
    const { name, arg: rawArg } = parseWebshopAction(action);
    const arg = rawArg === null ? null : rawArg.toLowerCase();
    if (name === 'search' && arg) {
      return this.show({
        ...state,
        page: 'results',
        keywords: arg.split(' '),
        pageNum: 1,
        asin: null,
        options: {},
        subPage: null,
        reward: null,
      });
    }
    const clickable = arg !== null && arg !== 'search' && current.clickables.includes(arg);
    if (name !== 'click' || arg === null || !clickable) {
      return {
        state,
        observation: this.observation(state, current),
        reward: 0,
        done: false,
        valid: false,
      };
    }
    if (arg === BUTTON.buyNow.toLowerCase()) {
      const done: RemoteWebshopState = { ...state, page: 'done', subPage: null };
      const url = `${this.baseUrl}${pathOf(done)}`;
      const reward = readScore(await this.page(done), url);
      const next = { ...done, reward };
      return {
        state: next,
        observation: this.observation(next, current),
        reward,
        done: true,
        valid: true,
      };
    }
    if (arg === BUTTON.backToSearch.toLowerCase()) {
      return this.show({
        ...state,
        page: 'init',
        keywords: null,
        pageNum: null,
        asin: null,
        options: {},
        subPage: null,
        reward: null,
      });
    }
    if (arg === BUTTON.next.toLowerCase() && state.page === 'results')
      return this.show({ ...state, pageNum: (state.pageNum ?? 1) + 1 });
    if (arg === BUTTON.prev.toLowerCase() && state.page === 'results')
      return this.show({ ...state, pageNum: (state.pageNum ?? 1) - 1 });
    if (arg === BUTTON.prev.toLowerCase() && state.page === 'sub')
      return this.show({ ...state, page: 'item', subPage: null });
    if (arg === BUTTON.prev.toLowerCase() && state.page === 'item')
      return this.show({ ...state, page: 'results', asin: null, options: {}, subPage: null });
    const sub = SUB_PAGES.find((s) => s.toLowerCase() === arg);
    if (sub) return this.show({ ...state, page: 'sub', subPage: sub });
    if (current.productLinks.includes(arg))
      return this.show({
        ...state,
        page: 'item',
        asin: arg.toUpperCase(),
        options: {},
        subPage: null,
      });
    // A radio value sets its option (the last radio with this value wins, as the text env's map does).
    const radio = current.radios.filter((r) => r.value === arg).pop();
    if (radio)
      return this.show({
        ...state,
        page: 'item',
        subPage: null,
        options: { ...state.options, [radio.name]: arg },
      });
    return this.show({ ...state, page: 'item', subPage: null });
  }

  private async show(next: RemoteWebshopState): Promise<StepResult<RemoteWebshopState>> {
    const page = await this.page(next);
    return {
      state: next,
      observation: this.observation(next, page),
      reward: 0,
      done: false,
      valid: true,
    };
  }

  /** The done page is rendered as the text env shows it, so the server's goal debug block never reaches the agent. */
  private observation(state: RemoteWebshopState, page: ParsedPage): string {
    if (state.page === 'done')
      return observationText(renderDone(state.asin ?? '', state.options, state.reward ?? 0));
    return page.segments.join(SEP);
  }

  /** Whether `fixed_{i}` is a goal of the server (the app answers 500 past the last goal). */
  async hasTask(index: number, fetcher: PageFetcher = this.fetcher): Promise<boolean> {
    try {
      await fetcher.fresh(`/fixed_${index}`);
      return true;
    } catch (err) {
      if (err instanceof HttpStatusError) return false;
      throw err;
    }
  }

  /** The number of goals, found by probing `fixed_{i}` (doubling, then bisection: ~2 log2 N requests). */
  async countTasks(options: RemoteWebshopOptions = {}): Promise<number> {
    const first = new PageFetcher(this.fetcher.baseUrl, {
      retries: 0,
      timeoutMs: options.firstTimeoutMs ?? 600_000,
    });
    if (!(await this.hasTask(0, first)))
      throw new UserError(
        `WebShop server ${this.baseUrl}: session fixed_0 fails; is this a WebShop server?`,
      );
    const probe = new PageFetcher(this.fetcher.baseUrl, {
      retries: 0,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    let lo = 0; // known present
    let hi = 1;
    while (hi < 1 << 24 && (await this.hasTask(hi, probe))) {
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.hasTask(mid, probe)) lo = mid;
      else hi = mid;
    }
    return lo + 1;
  }
}

function isFolder(path: string | undefined): path is string {
  try {
    return path !== undefined && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The bundle for `--webshop-url URL`: tasks fixed_0..fixed_{N-1} with N probed from the
 * server; the paper's splits when N is the full catalogue's goal count and `--data` names
 * a folder holding paper_{train,test}_indices.json (or its splits/ subfolder), else a
 * seeded 60/40 split.
 */
export async function createRemoteWebshopEnv(
  url: string,
  options: EnvCreateOptions,
  remote: RemoteWebshopOptions = {},
): Promise<EnvBundle> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OptionError('webshopUrl', 'not a URL (expected e.g. http://127.0.0.1:3000)', url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new OptionError('webshopUrl', 'expected an http(s) URL', url);
  const env = new RemoteWebshopEnv(url, remote);
  const count = await env.countTasks(remote);
  const ids = Array.from({ length: count }, (_, i) => `fixed_${i}`);
  let splits: Record<string, string[]> = seededSplits(ids);
  const found =
    count === FULL_CATALOGUE_GOALS && isFolder(options.data)
      ? findPaperSplits([`${options.data}/splits`, options.data])
      : undefined;
  if (found) {
    try {
      splits = paperSplits(found, count);
    } catch (err) {
      throw new UserError(`${found.train}: ${(err as Error).message}`);
    }
  }
  return {
    env: env as EnvBundle['env'],
    tasks: { ids, splits },
    source: `webshop server ${env.fetcher.baseUrl} (${count} goals)`,
  };
}
