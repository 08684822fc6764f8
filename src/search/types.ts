/**
 * The search-algorithm contract. A search explores one task with an env (the world model,
 * whose state is a plain value that can be restored) and a policy (which proposes steps),
 * and returns the tree it built. An algorithm is described once by a SearchAlgorithmSpec
 * (name, options schema with defaults, factory) and registered by name (./registry.ts);
 * `collect` finds it there. MCTS (./mcts.ts) is the method's and the default.
 */
import type { z } from 'zod';
import type { Env } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import type { TreeFile } from '../data/tree.js';

/** Settings every algorithm shares. */
export interface SearchSettings {
  /** Actions per episode at most. */
  maxDepth: number;
  /** Run seed: every LLM request and random choice derives its seed from it and the task. */
  seed: number;
}

export interface SearchDeps {
  env: Env;
  policy: Policy;
}

/** An algorithm's own options after validation, as recorded in the tree file (JSON scalars). */
export type SearchParams = Record<string, string | number | boolean | null>;

/** What a search had built when it stopped early (./partial.ts). */
export interface PartialTree {
  /** The tree after the last complete iteration (stats as of then). */
  tree: TreeFile;
  /** The algorithm's own resume data (plain JSON); it validates it when resuming. */
  checkpoint: unknown;
}

export interface SearchRunOptions {
  signal?: AbortSignal;
  /** Called after every iteration (the algorithm's unit of work), e.g. for a progress display. */
  onIteration?: (iteration: number) => void;
  /**
   * A partial tree this algorithm threw (SearchInterrupted) for this task with the same
   * settings: continue it. An algorithm that cannot resume ignores it and starts afresh.
   */
  resume?: PartialTree;
}

/** One configured algorithm: searches task after task with the same settings. */
export interface SearchAlgorithm {
  /** Its registry name, recorded in every tree it writes. */
  readonly name: string;
  /** Its options (defaults filled in), recorded in every tree it writes. */
  readonly params: SearchParams;
  search(taskId: string, options?: SearchRunOptions): Promise<TreeFile>;
}

/** How an algorithm is found and configured: one of these per algorithm, registered by name. */
export interface SearchAlgorithmSpec<P extends SearchParams = SearchParams> {
  readonly name: string;
  /** One line for help texts and docs. */
  readonly description: string;
  /** Validates the algorithm's own options and fills in their defaults. */
  readonly options: z.ZodType<P>;
  create(deps: SearchDeps, settings: SearchSettings, params: P): SearchAlgorithm;
}

/** UCT exploration constant default (the official code's). */
export const DEFAULT_C = 1.41;

/** MCTS's own options (./mcts.ts). */
export interface MctsParams extends SearchParams {
  /** MCTS iterations (each: one selection, one expansion of n candidates, one rollout). */
  iterations: number;
  /** Candidates requested per expansion. */
  n: number;
  /** UCT exploration constant. */
  c: number;
  /** Stop at the first stored success (the official default) instead of using the full budget. */
  earlyStop: boolean;
}

/** The shared settings plus MCTS's options: what `collect` takes for the default algorithm. */
export type SearchConfig = SearchSettings & MctsParams;
