/**
 * The MCTS tree file (`<out>/trees/<taskId>.json`), one per task. Written by
 * `stepq collect` (or converted from the official code's trees), read by `stepq pairs`.
 * docs/tree-format.md describes every field; bump TREE_FORMAT on incompatible changes.
 */
import { z } from 'zod';
import type { HistoryStep, StepContext } from '../core/messages.js';
import { UserError } from '../core/errors.js';
import { readJsonFile } from '../core/validate.js';

export const TREE_FORMAT = 'stepq.tree/1';

export interface TreeNode {
  /** Canonical assistant text `Thought: ...\nAction: ...` ('' at the root). */
  text: string;
  thought: string;
  /** The env command that was executed ('' at the root; '' also for an unreadable reply). */
  action: string;
  /** What the env answered (at the root: the task text). */
  observation: string;
  /** Env reward of this step. */
  reward: number;
  /** The env ended the episode here. */
  terminal: boolean;
  /** Not terminal, but at the depth limit: backed up with the env's depth-limit return. */
  depthLimited: boolean;
  /** False when the env rejected the action (its state is then the parent's). */
  valid: boolean;
  /** Actions taken from the root to here (root 0). */
  depth: number;
  /** Number of returns backed up through this node. */
  visits: number;
  /** Mean backed-up return (the node's Q-value); 0 while unvisited. */
  q: number;
  /** Env state after this step (plain JSON); null when unknown (imported trees). */
  state: unknown;
  /** Extra per-step metrics from the env, e.g. `{ em: 1, f1: 1 }`. */
  info?: Record<string, number>;
  children: TreeNode[];
}

export const treeNodeSchema: z.ZodType<TreeNode> = z.object({
  text: z.string(),
  thought: z.string(),
  action: z.string(),
  observation: z.string(),
  reward: z.number(),
  terminal: z.boolean(),
  depthLimited: z.boolean(),
  valid: z.boolean(),
  depth: z.number().int().min(0),
  visits: z.number().int().min(0),
  q: z.number(),
  state: z.unknown().transform((s) => (s === undefined ? null : s)),
  info: z.record(z.string(), z.number()).optional(),
  get children() {
    return z.array(treeNodeSchema);
  },
}) as z.ZodType<TreeNode>;

const nullableCount = z.number().min(0).nullable();

export const treeStatsSchema = z.object({
  /** Iterations actually run (fewer than asked after an early stop or an exhausted tree). */
  iterationsRun: z.number().int().min(0),
  stopReason: z.enum(['budget', 'early-stop', 'exhausted', 'imported']),
  /** LLM usage; null when unknown (imported trees). */
  llmCalls: nullableCount,
  promptTokens: nullableCount,
  completionTokens: nullableCount,
  /** Tree nodes below the root (each is one executed env step that is stored). */
  nodes: z.number().int().min(0),
  /** Env steps taken in rollouts (not stored in the tree). */
  rolloutSteps: nullableCount,
  rolloutSuccesses: nullableCount,
  wallSeconds: nullableCount,
  /** Some stored terminal node is a success by the env's rule. */
  solved: z.boolean(),
  /** Highest reward of a stored terminal node; null when the tree has none. */
  bestReward: z.number().nullable(),
});

export const treeFileSchema = z.object({
  format: z.literal(TREE_FORMAT),
  env: z.string(),
  taskId: z.string(),
  /** The task as the env showed it (same as root.observation). */
  task: z.string(),
  policy: z.string(),
  seed: z.number().int(),
  iterations: z.number().int().min(0),
  n: z.number().int().min(1),
  c: z.number(),
  maxDepth: z.number().int().min(1),
  earlyStop: z.boolean(),
  stats: treeStatsSchema,
  /** Child indices from the root to the best node (see bestPathOf); null when there is none. */
  bestPath: z.array(z.number().int().min(0)).nullable(),
  root: treeNodeSchema,
});

export type TreeStats = z.infer<typeof treeStatsSchema>;
export type TreeFile = z.infer<typeof treeFileSchema>;

export function readTreeFile(file: string): TreeFile {
  const tree = readJsonFile(file, treeFileSchema);
  if (tree.bestPath) {
    try {
      nodesAlong(tree.root, tree.bestPath);
    } catch {
      throw new UserError(
        `${file}: field bestPath: [${tree.bestPath.join(', ')}] does not lead to a node of the tree`,
      );
    }
  }
  return tree;
}

/** Nodes along an index path, root first. Throws on an index that does not exist. */
export function nodesAlong(root: TreeNode, path: readonly number[]): TreeNode[] {
  const out = [root];
  let node = root;
  for (const index of path) {
    const next = node.children[index];
    if (!next) throw new RangeError(`path ${path.join('.')} leaves the tree at index ${index}`);
    out.push(next);
    node = next;
  }
  return out;
}

/** The history (executed steps) of the nodes below the root, in order. */
export function historyOf(nodes: readonly TreeNode[]): HistoryStep[] {
  return nodes
    .slice(1)
    .map((n) => ({ text: n.text, action: n.action, observation: n.observation }));
}

/** The decision context at the end of an index path (what the agent saw before choosing). */
export function contextAt(
  tree: Pick<TreeFile, 'env' | 'taskId' | 'task' | 'root'>,
  path: readonly number[],
): StepContext {
  return {
    env: tree.env,
    taskId: tree.taskId,
    task: tree.task,
    history: historyOf(nodesAlong(tree.root, path)),
  };
}

/** Depth-first pre-order walk with each node's index path. */
export function* walkTree(
  root: TreeNode,
  path: number[] = [],
): Generator<{ node: TreeNode; path: number[] }> {
  yield { node: root, path };
  for (let i = 0; i < root.children.length; i++)
    yield* walkTree(root.children[i] as TreeNode, [...path, i]);
}

export function countNodes(root: TreeNode): number {
  let n = 0;
  for (const _ of walkTree(root)) n++;
  return n - 1;
}

/**
 * The path to the best stored node: the terminal node with the highest reward, among
 * those with reward > 0 (a failed HotPotQA answer scores 0 and gives no path, as in the
 * official code; any WebShop purchase scoring above 0 does). Ties go to the higher Q,
 * then the shallower node, then the first in depth-first pre-order. Null when no
 * terminal node has a reward above 0.
 */
export function bestPathOf(root: TreeNode): number[] | null {
  let best: { node: TreeNode; path: number[] } | undefined;
  for (const entry of walkTree(root)) {
    const { node } = entry;
    if (!node.terminal || !(node.reward > 0)) continue;
    if (!best || better(node, best.node)) best = entry;
  }
  return best ? best.path : null;
}

function better(a: TreeNode, b: TreeNode): boolean {
  if (a.reward !== b.reward) return a.reward > b.reward;
  if (a.q !== b.q) return a.q > b.q;
  return a.depth < b.depth;
}

/** Safe, injective file name for a task id: keeps [A-Za-z0-9_-], %-encodes other bytes. */
export function treeFileName(taskId: string): string {
  let out = '';
  for (const byte of Buffer.from(taskId, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `${out || '%'}.json`;
}
