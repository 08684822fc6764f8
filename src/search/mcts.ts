/**
 * MCTS data collection (docs/tree-format.md) with the official code's defects fixed:
 *  - every expansion and rollout step starts from a copy of the parent's stored env
 *    state, so branches never share state (expansion and rollout: ./steps.ts);
 *  - UCT = mean return + c·sqrt(ln N_parent / n_child);
 *  - nothing is pruned; a fully explored subtree is skipped and the search stops when
 *    the root has nothing left to explore;
 *  - every terminal (and depth-limited) child is backed up once, when it is created,
 *    and never selected again;
 *  - candidates are deduplicated on the normalised action.
 * Seeds come from (run seed, task, node path or iteration), never from scheduling.
 */
import { z } from 'zod';
import { emptyUsage, type Usage } from '../core/policy.js';
import { Rng, seedFrom } from '../core/rng.js';
import { walkTree, type TreeFile, type TreeNode } from '../data/tree.js';
import { SearchInterrupted } from './partial.js';
import { backpropagate, createRoot, expandNode, rollout, type TaskScope } from './steps.js';
import { finishTree } from './tree-file.js';
import {
  DEFAULT_C,
  type MctsParams,
  type SearchAlgorithm,
  type SearchAlgorithmSpec,
  type SearchConfig,
  type SearchDeps,
  type SearchRunOptions,
  type SearchSettings,
} from './types.js';

export { backpropagate } from './steps.js';

/** MCTS's options, with the defaults `collect` and `demo` use. */
export const mctsOptionsSchema = z.strictObject({
  iterations: z.number().int().min(0).default(30),
  n: z.number().int().min(1).default(5),
  c: z.number().min(0).default(DEFAULT_C),
  earlyStop: z.boolean().default(false),
});

export const MCTS_DEFAULTS: MctsParams = mctsOptionsSchema.parse({});

/** A tree node plus the search's own bookkeeping (dropped when the tree is saved). */
export interface SearchNode extends TreeNode {
  children: SearchNode[];
  /** Its children have been generated. */
  expanded: boolean;
  /** Nothing left to explore here: terminal, depth-limited, or every child closed. */
  closed: boolean;
}

/** UCT score of a visited child. Unvisited children are taken before any scored one. */
export function uct(childQ: number, childVisits: number, parentVisits: number, c: number): number {
  return childQ + c * Math.sqrt(Math.log(Math.max(parentVisits, 1)) / childVisits);
}

/** The child selection descends into: the first unvisited open child, else the highest UCT (ties: first). */
export function selectChild(parent: SearchNode, c: number): SearchNode | undefined {
  let best: SearchNode | undefined;
  let bestScore = -Infinity;
  for (const child of parent.children) {
    if (child.closed) continue;
    if (child.visits === 0) return child;
    const score = uct(child.q, child.visits, parent.visits, c);
    if (score > bestScore) {
      best = child;
      bestScore = score;
    }
  }
  return best;
}

function refreshClosed(path: readonly SearchNode[]): void {
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i] as SearchNode;
    node.closed =
      node.terminal || node.depthLimited || (node.expanded && node.children.every((c) => c.closed));
  }
}

function stripSearchFields(node: SearchNode): TreeNode {
  const { expanded: _e, closed: _c, children, ...rest } = node;
  return { ...rest, children: children.map(stripSearchFields) };
}

function searchNode(node: TreeNode): SearchNode {
  return Object.assign(node, {
    children: [] as SearchNode[],
    expanded: false,
    closed: node.terminal || node.depthLimited,
  });
}

export class Mcts implements SearchAlgorithm {
  readonly name = 'mcts';
  readonly params: MctsParams;
  readonly settings: SearchSettings;

  constructor(
    private readonly deps: SearchDeps,
    config: SearchConfig,
  ) {
    if (config.maxDepth < 1) throw new RangeError('maxDepth must be >= 1');
    if (config.n < 1) throw new RangeError('n must be >= 1');
    const { maxDepth, seed, iterations, n, c, earlyStop } = config;
    this.settings = { maxDepth, seed };
    this.params = { iterations, n, c, earlyStop };
  }

  async search(taskId: string, options: SearchRunOptions = {}): Promise<TreeFile> {
    return new MctsRun(this.deps, this.settings, this.params, taskId, options).run();
  }
}

export const mctsAlgorithm: SearchAlgorithmSpec<MctsParams> = {
  name: 'mcts',
  description: 'Monte Carlo Tree Search with UCT (the method; docs/tree-format.md)',
  options: mctsOptionsSchema,
  create: (deps, settings, params) => new Mcts(deps, { ...settings, ...params }),
};

/** What MCTS needs besides the tree to continue a search exactly (see ./partial.ts). */
const mctsCheckpointSchema = z.object({
  /** The next iteration to run. */
  iteration: z.number().int().min(0),
  /** Draws made from the rollout-start generator (one per rollout). */
  picks: z.number().int().min(0),
  /** Index paths of expanded nodes that got no children (a reply with no candidates). */
  deadEnds: z.array(z.array(z.number().int().min(0))),
  rolloutSteps: z.number().int().min(0),
  rolloutSuccesses: z.number().int().min(0),
  /** Search time of the earlier attempts. */
  wallSeconds: z.number().min(0),
});
type MctsCheckpoint = z.infer<typeof mctsCheckpointSchema>;

/** Rebuilds the search bookkeeping of a saved tree: expanded = has children or is a dead end. */
function restoreNodes(node: TreeNode, deadEnds: Set<string>, path: number[] = []): SearchNode {
  const children = node.children.map((c, i) => restoreNodes(c, deadEnds, [...path, i]));
  const expanded = children.length > 0 || deadEnds.has(path.join('.'));
  const closed =
    node.terminal || node.depthLimited || (expanded && children.every((c) => c.closed));
  return { ...node, children, expanded, closed };
}

function* deadEndPaths(node: SearchNode, path: number[] = []): Generator<number[]> {
  if (node.expanded && node.children.length === 0) yield path;
  for (let i = 0; i < node.children.length; i++)
    yield* deadEndPaths(node.children[i] as SearchNode, [...path, i]);
}

/** The state of one task's search. */
class MctsRun {
  private readonly usage: Usage = emptyUsage();
  private rolloutSteps = 0;
  private rolloutSuccesses = 0;
  private solved = false;
  private picks = 0;
  private iterationsRun = 0;
  private earlierSeconds = 0;

  constructor(
    private readonly deps: SearchDeps,
    private readonly settings: SearchSettings,
    private readonly params: MctsParams,
    private readonly taskId: string,
    private readonly options: SearchRunOptions,
  ) {}

  /** The saved tree and checkpoint of an earlier attempt, when they fit this search. */
  private resumeFrom(): { root: SearchNode; checkpoint: MctsCheckpoint } | undefined {
    const partial = this.options.resume;
    if (!partial || partial.tree.search.algorithm !== 'mcts') return undefined;
    const checkpoint = mctsCheckpointSchema.safeParse(partial.checkpoint);
    if (!checkpoint.success) return undefined;
    const deadEnds = new Set(checkpoint.data.deadEnds.map((p) => p.join('.')));
    const { stats } = partial.tree;
    this.usage.calls = stats.llmCalls ?? 0;
    this.usage.promptTokens = stats.promptTokens ?? 0;
    this.usage.completionTokens = stats.completionTokens ?? 0;
    return { root: restoreNodes(partial.tree.root, deadEnds), checkpoint: checkpoint.data };
  }

  async run(): Promise<TreeFile> {
    const started = performance.now();
    const { env } = this.deps;
    const { params, taskId, settings } = this;
    const resumed = this.resumeFrom();
    const root = resumed?.root ?? searchNode(await createRoot(env, taskId));
    const scope: TaskScope = {
      ...this.deps,
      taskId,
      task: root.observation,
      maxDepth: settings.maxDepth,
      signal: this.options.signal,
      usage: this.usage,
    };
    const pickRng = new Rng(seedFrom(settings.seed, taskId, 'rollout-start'));
    if (resumed) {
      const c = resumed.checkpoint;
      for (let i = 0; i < c.picks; i++) pickRng.next();
      this.picks = c.picks;
      this.rolloutSteps = c.rolloutSteps;
      this.rolloutSuccesses = c.rolloutSuccesses;
      this.iterationsRun = c.iteration;
      this.earlierSeconds = c.wallSeconds;
      this.solved = [...walkTree(root)].some(
        ({ node }) => node.terminal && env.returns.isSuccess(node.reward),
      );
    }
    let stopReason: TreeFile['stats']['stopReason'] = 'budget';
    for (let iteration = this.iterationsRun; iteration < params.iterations; iteration++) {
      if (root.closed) {
        stopReason = 'exhausted';
        break;
      }
      const path = this.select(root);
      // Everything one iteration changes, so that a failure mid-way can be undone exactly:
      // the path's visits and Q, the leaf's children, the counters.
      const before = {
        path: path.map((n) => [n.visits, n.q] as const),
        rolloutSteps: this.rolloutSteps,
        rolloutSuccesses: this.rolloutSuccesses,
        solved: this.solved,
        picks: this.picks,
      };
      const leaf = path[path.length - 1] as SearchNode;
      try {
        this.options.signal?.throwIfAborted();
        await this.iterate(scope, path, iteration, pickRng);
      } catch (err) {
        path.forEach((n, i) => ([n.visits, n.q] = before.path[i] as readonly [number, number]));
        leaf.children = [];
        leaf.expanded = false;
        refreshClosed(path);
        this.rolloutSteps = before.rolloutSteps;
        this.rolloutSuccesses = before.rolloutSuccesses;
        this.solved = before.solved;
        this.picks = before.picks;
        const tree = this.treeFile(root, 'budget', started);
        const checkpoint: MctsCheckpoint = {
          iteration,
          picks: this.picks,
          deadEnds: [...deadEndPaths(root)],
          rolloutSteps: this.rolloutSteps,
          rolloutSuccesses: this.rolloutSuccesses,
          wallSeconds: tree.stats.wallSeconds ?? 0,
        };
        throw new SearchInterrupted({ tree, checkpoint }, err);
      }
      refreshClosed(path);
      this.iterationsRun++;
      this.options.onIteration?.(iteration);
      if (params.earlyStop && this.solved) {
        stopReason = 'early-stop';
        break;
      }
    }
    return this.treeFile(root, stopReason, started);
  }

  /** One iteration below selection: expand the leaf, then roll out from one new open child. */
  private async iterate(
    scope: TaskScope,
    path: readonly SearchNode[],
    iteration: number,
    pickRng: Rng,
  ): Promise<void> {
    const { params, settings, taskId } = this;
    const leaf = path[path.length - 1] as SearchNode;
    await this.expand(scope, leaf, path);
    if (params.earlyStop && this.solved) return;
    const open = leaf.children.filter((c) => !c.closed);
    if (open.length === 0) return;
    const start = open[pickRng.int(open.length)] as SearchNode;
    this.picks++;
    const rolloutPath = [...path, start];
    const result = await rollout(scope, rolloutPath, (depth) =>
      seedFrom(settings.seed, taskId, 'rollout', iteration, depth),
    );
    this.rolloutSteps += result.steps;
    if (result.success) this.rolloutSuccesses++;
    backpropagate(rolloutPath, result.value);
  }

  private treeFile(
    root: SearchNode,
    stopReason: TreeFile['stats']['stopReason'],
    started: number,
  ): TreeFile {
    return finishTree({
      env: this.deps.env,
      policy: this.deps.policy,
      taskId: this.taskId,
      settings: this.settings,
      algorithm: 'mcts',
      params: this.params,
      root: stripSearchFields(root),
      stats: {
        iterationsRun: this.iterationsRun,
        stopReason,
        llmCalls: this.usage.calls,
        promptTokens: this.usage.promptTokens,
        completionTokens: this.usage.completionTokens,
        rolloutSteps: this.rolloutSteps,
        rolloutSuccesses: this.rolloutSuccesses,
        wallSeconds: this.earlierSeconds + (performance.now() - started) / 1000,
      },
    });
  }

  /** Root-to-leaf path: descend through open children until an unexpanded node. */
  private select(root: SearchNode): SearchNode[] {
    const path = [root];
    let node = root;
    while (node.expanded) {
      const next = selectChild(node, this.params.c);
      // Unreachable while the invariant "open node => some open child" holds.
      if (!next) throw new Error(`MCTS: open node at depth ${node.depth} has no open child`);
      path.push(next);
      node = next;
    }
    return path;
  }

  private async expand(scope: TaskScope, leaf: SearchNode, path: readonly SearchNode[]) {
    const { env } = this.deps;
    const nodeKey = path
      .map((n, i) => (i === 0 ? 'r' : String((path[i - 1] as SearchNode).children.indexOf(n))))
      .join('.');
    const seed = seedFrom(this.settings.seed, this.taskId, 'expand', nodeKey);
    for (const node of await expandNode(scope, path, this.params.n, seed)) {
      const child = searchNode(node);
      leaf.children.push(child);
      if (child.terminal) {
        backpropagate([...path, child], env.returns.terminal(child.reward));
        if (env.returns.isSuccess(child.reward)) this.solved = true;
      } else if (child.depthLimited) {
        backpropagate([...path, child], env.returns.depthLimit);
      }
    }
    // A reply with no candidates at all leaves a dead end: closed, nothing backed up.
    leaf.expanded = true;
  }
}
