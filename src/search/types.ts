/**
 * A search algorithm explores one task with an env (the world model, whose state is a
 * plain value that can be restored) and a policy (which proposes steps), and returns the
 * tree it built. MCTS (./mcts.ts) is the method's; others can plug into `collect`.
 */
import type { TreeFile } from '../data/tree.js';

export interface SearchConfig {
  /** MCTS iterations (each: one selection, one expansion of n candidates, one rollout). */
  iterations: number;
  /** Candidates requested per expansion. */
  n: number;
  /** UCT exploration constant. */
  c: number;
  /** Actions per episode at most. */
  maxDepth: number;
  /** Stop at the first stored success (the official default) instead of using the full budget. */
  earlyStop: boolean;
  /** Run seed: every LLM request and random choice derives its seed from it and the task. */
  seed: number;
}

export const DEFAULT_C = 1.41;

export interface SearchRunOptions {
  signal?: AbortSignal;
  /** Called after every iteration, e.g. to update a progress display. */
  onIteration?: (iteration: number) => void;
}

export interface SearchAlgorithm {
  readonly name: string;
  search(taskId: string, options?: SearchRunOptions): Promise<TreeFile>;
}
