/**
 * The search layer's public surface: the algorithm contract and registry, MCTS, the shared
 * expansion / rollout moves a new algorithm is built from, and collection over many tasks.
 * The package entry (src/index.ts) re-exports this module.
 */
export type {
  MctsParams,
  PartialTree,
  SearchAlgorithm,
  SearchAlgorithmSpec,
  SearchConfig,
  SearchDeps,
  SearchParams,
  SearchRunOptions,
  SearchSettings,
} from './types.js';
export { DEFAULT_C } from './types.js';
export {
  createSearchAlgorithm,
  DEFAULT_SEARCH_ALGORITHM,
  getSearchAlgorithm,
  registerSearchAlgorithm,
  searchAlgorithmNames,
} from './registry.js';
export { Mcts, MCTS_DEFAULTS, mctsAlgorithm, mctsOptionsSchema, selectChild, uct } from './mcts.js';
export {
  backpropagate,
  contextOf,
  createNode,
  createRoot,
  expandNode,
  rollout,
  type RolloutResult,
  type TaskScope,
} from './steps.js';
export { finishTree, type FinishTreeInput } from './tree-file.js';
export {
  partialTreePath,
  partialTreesDir,
  readPartialTree,
  SearchInterrupted,
  type StoredPartial,
} from './partial.js';
export {
  collectTrees,
  parseShard,
  shardTasks,
  treePath,
  treesDir,
  type CollectOptions,
  type CollectSummary,
  type Shard,
  type TaskEvent,
  type TaskStatus,
} from './collect.js';
export { monteCarloValue, pairAgreement, type PairAgreement } from './pair-quality.js';
