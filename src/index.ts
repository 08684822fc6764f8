/**
 * The package entry (`import ... from 'stepq'`). For now it carries the search layer and
 * the few core helpers a search algorithm needs; the rest of the public API is added here.
 */
export * from './search/index.js';
export { Rng, seedFrom } from './core/rng.js';
export { addUsage, emptyUsage } from './core/policy.js';
export type { Policy, PolicyReply, ProposeOptions, Usage } from './core/policy.js';
export type { Env, ReturnRules, StepResult } from './core/env.js';
export {
  bestPathOf,
  nodesAlong,
  readTreeFile,
  walkTree,
  writeTreeFile,
  TREE_FORMAT,
  type TreeFile,
  type TreeNode,
  type TreeStats,
} from './data/tree.js';
