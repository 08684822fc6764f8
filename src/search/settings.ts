/** The MCTS settings of `collect` and of the pipeline, with their defaults (src/core/settings.ts). */
import { bool, int, num, type Values } from '../core/settings.js';
import { DEFAULT_C } from './types.js';

export const SEARCH_SETTINGS = {
  iterations: int({ default: 30, min: 1, arg: 'k', help: 'MCTS iterations per task' }),
  // At least 2: with one candidate per expansion no node has siblings, so no pairs.
  n: int({ default: 5, min: 2, arg: 'k', help: 'candidates sampled per expansion' }),
  c: num({ default: DEFAULT_C, min: 0, arg: 'c', help: 'UCT exploration constant' }),
  maxDepth: int({
    min: 1,
    arg: 'd',
    help: "depth limit (default: the env's: HotPotQA 7, WebShop 10)",
  }),
  earlyStop: bool({
    help:
      'stop a task at its first stored success (the official default; about half the LLM calls); ' +
      'default: the full budget, which gives more pairs (docs/tree-format.md)',
  }),
};

export type SearchSettings = Values<typeof SEARCH_SETTINGS>;
