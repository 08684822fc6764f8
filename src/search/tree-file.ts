/**
 * Assembles the tree file a search returns, so that every algorithm fills the header,
 * the derived stats (nodes, solved, best reward) and the best path by the same rules.
 */
import type { Env } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import {
  bestPathOf,
  countNodes,
  TREE_FORMAT,
  walkTree,
  type TreeFile,
  type TreeNode,
  type TreeStats,
} from '../data/tree.js';
import type { SearchParams, SearchSettings } from './types.js';

export interface FinishTreeInput {
  env: Env;
  policy: Policy;
  taskId: string;
  settings: SearchSettings;
  /** The registry name of the algorithm that built the tree. */
  algorithm: string;
  params: SearchParams;
  /** The finished tree (plain TreeNodes: no search bookkeeping). */
  root: TreeNode;
  /** What only the algorithm knows; the rest is derived from the tree. */
  stats: Omit<TreeStats, 'nodes' | 'solved' | 'bestReward'>;
}

export function finishTree(input: FinishTreeInput): TreeFile {
  const { env, root, stats } = input;
  const terminalRewards: number[] = [];
  for (const { node } of walkTree(root)) if (node.terminal) terminalRewards.push(node.reward);
  return {
    format: TREE_FORMAT,
    env: env.name,
    taskId: input.taskId,
    task: root.observation,
    policy: input.policy.name,
    seed: input.settings.seed,
    maxDepth: input.settings.maxDepth,
    search: { algorithm: input.algorithm, params: { ...input.params } },
    stats: {
      iterationsRun: stats.iterationsRun,
      stopReason: stats.stopReason,
      llmCalls: stats.llmCalls,
      promptTokens: stats.promptTokens,
      completionTokens: stats.completionTokens,
      nodes: countNodes(root),
      rolloutSteps: stats.rolloutSteps,
      rolloutSuccesses: stats.rolloutSuccesses,
      wallSeconds: stats.wallSeconds,
      solved: terminalRewards.some((r) => env.returns.isSuccess(r)),
      bestReward: terminalRewards.length ? Math.max(...terminalRewards) : null,
    },
    bestPath: bestPathOf(root),
    root,
  };
}
