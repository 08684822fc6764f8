/**
 * The search tree file (`<out>/trees/<taskId>.json`), one per task. Written by
 * `stepq collect` (or converted from the official code's trees), read by `stepq pairs`.
 * docs/tree-format.md describes every field; bump TREE_FORMAT on incompatible changes.
 * In memory a tree is always the full TreeFile below; on disk (format 2) a node's `text`
 * is left out when it is the canonical text of its thought and action, and an observation
 * that an earlier node (pre-order) already has is stored as that node's index. Format-1
 * files (every field inline, MCTS settings at the top level) are still read.
 */
import { z } from 'zod';
import type { HistoryStep, StepContext } from '../core/messages.js';
import { UserError } from '../core/errors.js';
import { writeJsonAtomic } from '../core/fs.js';
import { formatPath, readJsonFile } from '../core/validate.js';
import { canonicalText } from '../agent/parse.js';

export const TREE_FORMAT = 'stepq.tree/2';
/** The previous format: still read (converted on reading), never written. */
export const TREE_FORMAT_V1 = 'stepq.tree/1';

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
  /** Of the n samples of the expansion that made this node, how many proposed its action (absent in older and imported trees). */
  votes?: number;
  /** Env state after this step (plain JSON); null when unknown (imported trees). */
  state: unknown;
  /** Extra per-step metrics from the env, e.g. `{ em: 1, f1: 1 }`. */
  info?: Record<string, number>;
  children: TreeNode[];
}

const nodeFields = {
  thought: z.string(),
  action: z.string(),
  reward: z.number(),
  terminal: z.boolean(),
  depthLimited: z.boolean(),
  valid: z.boolean(),
  depth: z.number().int().min(0),
  visits: z.number().int().min(0),
  q: z.number(),
  votes: z.number().int().min(0).optional(),
  state: z.unknown().transform((s) => (s === undefined ? null : s)),
  info: z.record(z.string(), z.number()).optional(),
};

/** A node in memory and in format 1: every field inline. */
export const treeNodeSchema: z.ZodType<TreeNode> = z.object({
  text: z.string(),
  observation: z.string(),
  ...nodeFields,
  get children() {
    return z.array(treeNodeSchema);
  },
}) as z.ZodType<TreeNode>;

/** A node as format 2 stores it (see the header comment). */
interface StoredNode extends Omit<TreeNode, 'text' | 'observation' | 'children'> {
  text?: string;
  /** The observation, or the pre-order index of an earlier node with the same one. */
  observation: string | number;
  children: StoredNode[];
}

const storedNodeSchema: z.ZodType<StoredNode> = z.object({
  text: z.string().optional(),
  observation: z.union([z.string(), z.number().int().min(0)]),
  ...nodeFields,
  get children() {
    return z.array(storedNodeSchema);
  },
}) as z.ZodType<StoredNode>;

const nullableCount = z.number().min(0).nullable();

export const treeStatsSchema = z.object({
  /** Iterations actually run (the algorithm's unit; fewer than asked after an early stop or an exhausted tree). */
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

/** Which search algorithm built the tree, and its own options (defaults filled in). */
export const treeSearchSchema = z.object({
  algorithm: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

/** Everything but the nodes (format 2): what an index of trees needs. */
export const treeHeaderSchema = z.object({
  format: z.literal(TREE_FORMAT),
  env: z.string(),
  taskId: z.string(),
  /** The task as the env showed it (same as root.observation). */
  task: z.string(),
  policy: z.string(),
  seed: z.number().int(),
  maxDepth: z.number().int().min(1),
  search: treeSearchSchema,
  stats: treeStatsSchema,
  /** Child indices from the root to the best node (see bestPathOf); null when there is none. */
  bestPath: z.array(z.number().int().min(0)).nullable(),
});

/** A tree in memory. */
export const treeFileSchema = treeHeaderSchema.extend({ root: treeNodeSchema });

const storedTreeSchema = treeHeaderSchema.extend({ root: storedNodeSchema });

/** Format 1: MCTS settings at the top level, every node field inline. */
const treeHeaderV1Schema = treeHeaderSchema.omit({ format: true, search: true }).extend({
  format: z.literal(TREE_FORMAT_V1),
  iterations: z.number().int().min(0),
  n: z.number().int().min(1),
  c: z.number(),
  earlyStop: z.boolean(),
});
const treeV1Schema = treeHeaderV1Schema.extend({ root: treeNodeSchema });

export type TreeStats = z.infer<typeof treeStatsSchema>;
export type TreeSearch = z.infer<typeof treeSearchSchema>;
export type TreeHeader = z.infer<typeof treeHeaderSchema>;
export type TreeFile = z.infer<typeof treeFileSchema>;

const formatSchema = z.looseObject({
  format: z.enum([TREE_FORMAT, TREE_FORMAT_V1], {
    error: (issue) =>
      `unknown tree format ${JSON.stringify(issue.input)} (this stepq reads ${TREE_FORMAT} and ${TREE_FORMAT_V1})`,
  }),
});

function upgradeV1<T extends z.infer<typeof treeHeaderV1Schema>>(v1: T) {
  const { format: _f, iterations, n, c, earlyStop, ...rest } = v1;
  return {
    ...rest,
    format: TREE_FORMAT,
    search: { algorithm: 'mcts', params: { iterations, n, c, earlyStop } },
  } as Omit<T, 'format' | 'iterations' | 'n' | 'c' | 'earlyStop'> & {
    format: typeof TREE_FORMAT;
    search: TreeSearch;
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    error: `field ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
  };
}

/** Validates a tree header (format 2 or 1; the nodes are not looked at), as format 2. */
export function parseTreeHeader(value: unknown): Parsed<TreeHeader> {
  const format = parseWith(formatSchema, value);
  if (!format.ok) return format;
  if (format.value.format === TREE_FORMAT) return parseWith(treeHeaderSchema, value);
  const v1 = parseWith(treeHeaderV1Schema, value);
  return v1.ok ? { ok: true, value: upgradeV1(v1.value) } : v1;
}

/** The text a node's thought and action rebuild: what format 2 leaves out. */
function rebuiltText(node: Pick<TreeNode, 'thought' | 'action'>, isRoot: boolean): string {
  return isRoot ? '' : canonicalText(node.thought, node.action);
}

/** Format 2 nodes back to full nodes (text rebuilt, observation references resolved). */
function expandStored(root: StoredNode): TreeNode {
  const seen: string[] = [];
  const visit = (node: StoredNode, where: string, isRoot: boolean): TreeNode => {
    let observation: string;
    if (typeof node.observation === 'string') observation = node.observation;
    else {
      const earlier = seen[node.observation];
      if (earlier === undefined)
        throw new RangeError(
          `field ${where}.observation: ${node.observation} is not the index of an earlier node`,
        );
      observation = earlier;
    }
    seen.push(observation);
    const { children, text, observation: _o, ...rest } = node;
    return {
      ...rest,
      text: text ?? rebuiltText(node, isRoot),
      observation,
      children: children.map((c, i) => visit(c, `${where}.children[${i}]`, false)),
    };
  };
  return visit(root, 'root', true);
}

/** A full node as format 2 stores it (the inverse of expandStored). */
function compactNode(root: TreeNode): StoredNode {
  const indexOf = new Map<string, number>();
  let next = 0;
  const visit = (node: TreeNode, isRoot: boolean): StoredNode => {
    const { children, text, observation, ...rest } = node;
    const earlier = indexOf.get(observation);
    if (earlier === undefined) indexOf.set(observation, next);
    next++;
    const stored: StoredNode = {
      ...(text === rebuiltText(node, isRoot) ? {} : { text }),
      observation: earlier ?? observation,
      ...rest,
      children: [],
    };
    stored.children = children.map((c) => visit(c, false));
    return stored;
  };
  return visit(root, true);
}

/** The JSON value format 2 writes for a tree. */
export function storedTree(tree: TreeFile): unknown {
  const { root, ...header } = tree;
  return { ...header, format: TREE_FORMAT, root: compactNode(root) };
}

/** Parses a tree file's value (format 2 or 1) into a full tree; errors name the field. */
export function parseTree(value: unknown): Parsed<TreeFile> {
  const format = parseWith(formatSchema, value);
  if (!format.ok) return format;
  if (format.value.format === TREE_FORMAT_V1) {
    const v1 = parseWith(treeV1Schema, value);
    return v1.ok ? { ok: true, value: upgradeV1(v1.value) } : v1;
  }
  const stored = parseWith(storedTreeSchema, value);
  if (!stored.ok) return stored;
  try {
    return { ok: true, value: { ...stored.value, root: expandStored(stored.value.root) } };
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Writes a tree in the current format, atomically. */
export function writeTreeFile(file: string, tree: TreeFile): void {
  writeJsonAtomic(file, storedTree(tree));
}

export function readTreeFile(file: string): TreeFile {
  const tree = readTreeValue(file);
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

function readTreeValue(file: string): TreeFile {
  const value = readJsonFile(file, z.unknown());
  const parsed = parseTree(value);
  if (!parsed.ok) throw new UserError(`${file}: ${parsed.error}`);
  return parsed.value;
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
