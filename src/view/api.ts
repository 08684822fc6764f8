/**
 * The viewer's JSON API. Every endpoint is lazy: the task list comes in pages, a tree in
 * slices of a few levels below a node, a node's conversation on its own. Task ids from the
 * URL are only ever looked up in the index, never turned into file paths.
 */
import { qModelMessages } from '../agent/conversation.js';
// Trees name their env; its prompt renders the conversation (built-ins registered here).
import '../envs/index.js';
import { contextAt, nodesAlong, walkTree, type TreeFile, type TreeNode } from '../data/tree.js';
import { trainingChartSvg } from './charts.js';
import type { RunFolder, TaskRow, TreeCache } from './run-folder.js';

export interface ApiResponse {
  status: number;
  body: unknown;
}

const MAX_PAGE = 500;
/** Children sent per node at most; the client asks for more with `offset`. */
const MAX_CHILDREN = 200;
const MAX_SLICE_DEPTH = 6;
const PREVIEW_CHARS = 240;

const notFound = (what: string): ApiResponse => ({
  status: 404,
  body: { error: `${what} not found` },
});
const badRequest = (why: string): ApiResponse => ({ status: 400, body: { error: why } });

function intParam(url: URL, name: string, fallback: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  return Math.min(Number(raw), max);
}

function parsePath(raw: string | null): number[] | undefined {
  if (raw === null || raw === '' || raw === 'root') return [];
  if (!/^\d+(\.\d+)*$/.test(raw)) return undefined;
  return raw.split('.').map(Number);
}

function rowMatches(row: TaskRow, query: string, outcome: string, kind: string): boolean {
  if (query && !row.taskId.toLowerCase().includes(query) && !row.task.toLowerCase().includes(query))
    return false;
  if (kind === 'tree' && !row.tree) return false;
  if (kind === 'eval' && row.runs.length === 0) return false;
  if (outcome) {
    const ok = Boolean(row.tree?.solved) || row.runs.some((r) => r.success);
    if (outcome === 'success' && !ok) return false;
    if (outcome === 'failure' && ok) return false;
  }
  return true;
}

export function listTasks(run: RunFolder, url: URL): ApiResponse {
  const offset = intParam(url, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const limit = intParam(url, 'limit', 100, MAX_PAGE);
  if (offset === undefined || limit === undefined)
    return badRequest('offset and limit must be whole numbers');
  const query = (url.searchParams.get('q') ?? '').trim().toLowerCase();
  const outcome = url.searchParams.get('outcome') ?? '';
  const kind = url.searchParams.get('kind') ?? '';
  const all =
    query || outcome || kind
      ? run.tasks.filter((r) => rowMatches(r, query, outcome, kind))
      : run.tasks;
  return {
    status: 200,
    body: { total: all.length, offset, rows: all.slice(offset, offset + limit) },
  };
}

export function runSummary(run: RunFolder): ApiResponse {
  return {
    status: 200,
    body: {
      dir: run.dir,
      tasks: run.tasks.length,
      trees: run.treeHeaders.size,
      arms: run.arms.map((a) => ({
        key: a.key,
        algorithm: a.algorithm,
        n: a.n,
        tasks: a.trajectories.length,
        successes: a.trajectories.filter((t) => t.success).length,
        // Episodes that could not run (LLM or env failure): not agent failures, shown apart.
        errors: a.trajectories.filter((t) => t.error).length,
        // Earlier attempts replaced by a retry on a resumed run (not counted above).
        retried: a.superseded.length,
      })),
      pairs: [...run.pairsByTask.values()].reduce((s, p) => s + p.length, 0),
      models: run.training.map((t) => t.name),
      results: run.results ?? null,
      problems: run.problems,
    },
  };
}

interface NodeSlice {
  path: number[];
  action: string;
  thought: string;
  observation: string;
  observationCut: boolean;
  q: number;
  visits: number;
  reward: number;
  terminal: boolean;
  depthLimited: boolean;
  valid: boolean;
  depth: number;
  onBestPath: boolean;
  childCount: number;
  /** Present when this slice includes the children (from childOffset on, at most MAX_CHILDREN). */
  children?: NodeSlice[];
  childOffset?: number;
}

function isPrefix(prefix: readonly number[], path: readonly number[] | null): boolean {
  if (!path || prefix.length > path.length) return false;
  return prefix.every((v, i) => path[i] === v);
}

function slice(
  node: TreeNode,
  path: number[],
  levels: number,
  best: number[] | null,
  withBest: boolean,
  childOffset = 0,
): NodeSlice {
  const onBestPath = isPrefix(path, best);
  const out: NodeSlice = {
    path,
    action: node.action,
    thought: node.thought,
    observation: node.observation.slice(0, PREVIEW_CHARS),
    observationCut: node.observation.length > PREVIEW_CHARS,
    q: node.q,
    visits: node.visits,
    reward: node.reward,
    terminal: node.terminal,
    depthLimited: node.depthLimited,
    valid: node.valid,
    depth: node.depth,
    onBestPath,
    childCount: node.children.length,
  };
  // The best path is always sent whole, so it can be shown open from the start.
  if (node.children.length && (levels > 0 || (withBest && onBestPath))) {
    out.childOffset = childOffset;
    out.children = node.children
      .slice(childOffset, childOffset + MAX_CHILDREN)
      .map((child, i) => slice(child, [...path, childOffset + i], levels - 1, best, withBest));
  }
  return out;
}

const qRanges = new WeakMap<TreeFile, { min: number; max: number }>();

/** Lowest and highest Q of the visited nodes (for the colour scale), once per parsed tree. */
function qRange(tree: TreeFile): { min: number; max: number } {
  const known = qRanges.get(tree);
  if (known) return known;
  const range = computeQRange(tree);
  qRanges.set(tree, range);
  return range;
}

function computeQRange(tree: TreeFile): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const { node, path } of walkTree(tree.root)) {
    if (path.length === 0 || node.visits === 0) continue;
    min = Math.min(min, node.q);
    max = Math.max(max, node.q);
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

export function treeSlice(trees: TreeCache, taskId: string, url: URL): ApiResponse {
  const tree = trees.get(taskId);
  if (!tree) return notFound(`tree of task ${JSON.stringify(taskId)}`);
  const path = parsePath(url.searchParams.get('path'));
  const levels = intParam(url, 'depth', 2, MAX_SLICE_DEPTH);
  const childOffset = intParam(url, 'offset', 0, Number.MAX_SAFE_INTEGER);
  if (!path || levels === undefined || childOffset === undefined)
    return badRequest('path must look like 0.2.1; depth and offset whole numbers');
  let node: TreeNode;
  try {
    node = nodesAlong(tree.root, path).at(-1) as TreeNode;
  } catch {
    return notFound(`node ${path.join('.')}`);
  }
  const { root: _root, ...header } = tree;
  const withBest = url.searchParams.get('best') === '1';
  return {
    status: 200,
    body: {
      header: { ...header, qRange: qRange(tree) },
      node: slice(
        node,
        path,
        Math.max(levels, childOffset > 0 ? 1 : 0),
        tree.bestPath,
        withBest,
        childOffset,
      ),
    },
  };
}

export function nodeDetail(trees: TreeCache, taskId: string, url: URL): ApiResponse {
  const tree = trees.get(taskId);
  if (!tree) return notFound(`tree of task ${JSON.stringify(taskId)}`);
  const path = parsePath(url.searchParams.get('path'));
  if (!path) return badRequest('path must look like 0.2.1');
  let nodes: TreeNode[];
  try {
    nodes = nodesAlong(tree.root, path);
  } catch {
    return notFound(`node ${path.join('.')}`);
  }
  const { children, ...node } = nodes.at(-1) as TreeNode;
  return {
    status: 200,
    body: {
      path,
      node: { ...node, childCount: children.length },
      conversation: qModelMessages(contextAt(tree, path)),
    },
  };
}

export function taskDetail(run: RunFolder, taskId: string): ApiResponse {
  const row = run.taskById.get(taskId);
  if (!row) return notFound(`task ${JSON.stringify(taskId)}`);
  const task =
    run.treeHeaders.get(taskId)?.task ??
    run.arms.flatMap((a) => a.trajectories).find((t) => t.taskId === taskId)?.task ??
    row.task;
  return { status: 200, body: { row, task, hasTree: run.treeHeaders.has(taskId) } };
}

export function taskTrajectories(run: RunFolder, taskId: string): ApiResponse {
  if (!run.taskById.has(taskId)) return notFound(`task ${JSON.stringify(taskId)}`);
  const runs = run.arms.flatMap((arm) =>
    arm.trajectories
      .filter((t) => t.taskId === taskId)
      .map((t) => ({
        arm: arm.key,
        trajectory: t,
        earlierAttempts: arm.superseded
          .filter((x) => x.taskId === taskId)
          .map((x) => x.error ?? 'no error recorded'),
      })),
  );
  return { status: 200, body: { runs } };
}

export function taskPairs(run: RunFolder, taskId: string): ApiResponse {
  if (!run.taskById.has(taskId)) return notFound(`task ${JSON.stringify(taskId)}`);
  const pairs = (run.pairsByTask.get(taskId) ?? []).map((p) => ({
    ...p,
    gap: p.chosenQ - p.rejectedQ,
  }));
  return { status: 200, body: { pairs } };
}

export function training(run: RunFolder): ApiResponse {
  return {
    status: 200,
    body: {
      models: run.training,
      svg: run.training.length ? trainingChartSvg(run.training) : null,
    },
  };
}
