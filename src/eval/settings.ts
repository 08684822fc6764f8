/** The settings of an evaluation run, with their defaults (src/core/settings.ts). */
import { choice, int, type Values } from '../core/settings.js';
import { decisionRuleNames } from './decision/index.js';

export const EVAL_SETTINGS = {
  algorithm: choice(decisionRuleNames, { default: 'greedy', arg: 'name', help: 'decision rule' }),
  n: int({
    default: 5,
    min: 1,
    arg: 'k',
    help: 'candidates per step (rules that sample more than one)',
  }),
  maxDepth: int({
    min: 1,
    arg: 'd',
    help: "depth limit (default: the env's: HotPotQA 7, WebShop 10)",
  }),
};

/** Tasks (episodes, searches) run in parallel; LLM requests stay under the policy's own limit. */
export const CONCURRENCY_SETTINGS = {
  concurrency: int({ default: 4, min: 1, arg: 'k', help: 'tasks run in parallel' }),
};

export type EvalSettings = Values<typeof EVAL_SETTINGS>;
