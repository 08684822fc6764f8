/**
 * The HotPotQA env (ReAct-style Search / Lookup / Finish over a "Wikipedia"), with the
 * state held per tree node instead of in one shared object (docs/method.md#shared-env-state).
 *
 * Observations (kept exactly; the heuristic policy reads them):
 * - reset: `Question: <question>`
 * - Search[e], hit: the page's first 5 sentences joined by spaces; the lookup resets.
 * - Search[e], miss: `Could not find <e>. Similar: ['A', 'B'].` (up to 5 titles, printed as
 *   Python prints a list, as the official env does with f"{titles[:5]}"); the page is kept.
 * - Lookup[k]: `(Result i / N) <sentence>` for the next sentence of the page containing k
 *   (case-insensitive); a different keyword (compared case-insensitively) starts over;
 *   `No more results.` once the list is used up; `No page loaded yet. Use Search[entity] first.`
 *   before any successful Search.
 * - Finish[a]: `Episode finished, reward = <0|1>`, done; reward = exact match after the
 *   standard answer normalisation; info `{ em, f1 }`.
 * - Think[...]: `Nice thought.`
 * - anything else, or an empty Search/Lookup/Finish argument: `Invalid action: <cmd>`,
 *   valid = false, reward 0, not done, state unchanged (docs/method.md#invalid-actions).
 * Verbs are case-insensitive.
 *
 * Returns (what MCTS backs up): a finished episode returns 1 when the answer is right and
 * -1 when it is wrong; running out of depth also returns -1 (the official code gives a
 * wrong answer's ancestors 0, docs/method.md#asymmetric-returns; we make both failures equal). Success = EM 1.
 */
import type { Env, ResetResult, ReturnRules, StepResult } from '../../core/env.js';
import { UserError } from '../../core/errors.js';
import { exactMatch, f1Score } from './answer.js';
import { pythonListRepr } from './text.js';
import { PAGE_PREVIEW_SENTENCES, type WikiSource } from './wiki.js';

export interface HotpotqaTask {
  id: string;
  question: string;
  answer: string;
}

/** Everything a tree node needs to resume: plain JSON, rebuilt (never mutated) on each step. */
export interface HotpotqaState {
  task: string;
  /** Title of the page loaded by the last successful Search, or null. */
  page: string | null;
  /** The current Lookup keyword (lowercased) and how many of its results were shown. */
  lookup: { keyword: string; shown: number } | null;
}

/** Actions per episode (the official ReAct setting). */
export const HOTPOTQA_MAX_DEPTH = 7;

export const HOTPOTQA_RETURNS: ReturnRules = {
  terminal: (reward) => (reward === 1 ? 1 : -1),
  depthLimit: -1,
  isSuccess: (reward) => reward === 1,
  success: 'the answer matches the gold answer exactly (EM = 1, after normalisation)',
};

const COMMAND = /^([A-Za-z]+)\[(.*)\]$/s;

export class HotpotqaEnv implements Env<HotpotqaState> {
  readonly name = 'hotpotqa';
  readonly maxDepth = HOTPOTQA_MAX_DEPTH;
  readonly returns = HOTPOTQA_RETURNS;
  private readonly tasks: ReadonlyMap<string, HotpotqaTask>;

  constructor(
    tasks: readonly HotpotqaTask[],
    readonly wiki: WikiSource,
  ) {
    this.tasks = new Map(tasks.map((t) => [t.id, t]));
  }

  private task(id: string): HotpotqaTask {
    const task = this.tasks.get(id);
    if (!task) throw new UserError(`hotpotqa: no task with id "${id}"`);
    return task;
  }

  async reset(taskId: string): Promise<ResetResult<HotpotqaState>> {
    const task = this.task(taskId);
    return {
      state: { task: task.id, page: null, lookup: null },
      observation: `Question: ${task.question}`,
    };
  }

  async step(state: HotpotqaState, action: string): Promise<StepResult<HotpotqaState>> {
    const cmd = action.trim();
    const m = COMMAND.exec(cmd);
    const verb = m?.[1]?.toLowerCase();
    const arg = (m?.[2] ?? '').trim();
    if (verb === 'think') return same(state, 'Nice thought.');
    if (arg && verb === 'search') return this.search(state, arg);
    if (arg && verb === 'lookup') return this.lookup(state, arg);
    if (arg && verb === 'finish') return this.finish(state, arg);
    return {
      state: copy(state),
      observation: `Invalid action: ${cmd}`,
      reward: 0,
      done: false,
      valid: false,
    };
  }

  private async search(state: HotpotqaState, entity: string): Promise<StepResult<HotpotqaState>> {
    const found = await this.wiki.search(entity);
    if (found.kind === 'miss')
      return same(state, `Could not find ${entity}. Similar: ${pythonListRepr(found.similar)}.`);
    const preview = found.sentences.slice(0, PAGE_PREVIEW_SENTENCES).join(' ');
    return {
      state: { task: state.task, page: found.title, lookup: null },
      observation: preview,
      reward: 0,
      done: false,
      valid: true,
    };
  }

  private async lookup(
    state: HotpotqaState,
    rawKeyword: string,
  ): Promise<StepResult<HotpotqaState>> {
    if (state.page === null) return same(state, 'No page loaded yet. Use Search[entity] first.');
    const keyword = rawKeyword.toLowerCase();
    const shown = state.lookup?.keyword === keyword ? state.lookup.shown : 0;
    const results = (await this.wiki.sentences(state.page)).filter((s) =>
      s.toLowerCase().includes(keyword),
    );
    const next: HotpotqaState = { task: state.task, page: state.page, lookup: { keyword, shown } };
    if (shown >= results.length)
      return { state: next, observation: 'No more results.', reward: 0, done: false, valid: true };
    next.lookup = { keyword, shown: shown + 1 };
    return {
      state: next,
      observation: `(Result ${shown + 1} / ${results.length}) ${results[shown]}`,
      reward: 0,
      done: false,
      valid: true,
    };
  }

  private finish(state: HotpotqaState, answer: string): StepResult<HotpotqaState> {
    const truth = this.task(state.task).answer;
    const em = exactMatch(answer, truth);
    return {
      state: copy(state),
      observation: `Episode finished, reward = ${em}`,
      reward: em,
      done: true,
      valid: true,
      info: { em, f1: f1Score(answer, truth) },
    };
  }
}

function copy(state: HotpotqaState): HotpotqaState {
  return { task: state.task, page: state.page, lookup: state.lookup ? { ...state.lookup } : null };
}

function same(state: HotpotqaState, observation: string): StepResult<HotpotqaState> {
  return { state: copy(state), observation, reward: 0, done: false, valid: true };
}
