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
import type { TreeFile, TreeNode } from '../data/tree.js';
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

/** The state of one task's search. */
class MctsRun {
  private readonly usage: Usage = emptyUsage();
  private rolloutSteps = 0;
  private rolloutSuccesses = 0;
  private solved = false;

  constructor(
    private readonly deps: SearchDeps,
    private readonly settings: SearchSettings,
    private readonly params: MctsParams,
    private readonly taskId: string,
    private readonly options: SearchRunOptions,
  ) {}

  async run(): Promise<TreeFile> {
    const started = performance.now();
    const { env } = this.deps;
    const { params, taskId, settings } = this;
    const root = searchNode(await createRoot(env, taskId));
    const scope: TaskScope = {
      ...this.deps,
      taskId,
      task: root.observation,
      maxDepth: settings.maxDepth,
      signal: this.options.signal,
      usage: this.usage,
    };
    const pickRng = new Rng(seedFrom(settings.seed, taskId, 'rollout-start'));
    let iterationsRun = 0;
    let stopReason: TreeFile['stats']['stopReason'] = 'budget';
    for (let iteration = 0; iteration < params.iterations; iteration++) {
      if (root.closed) {
        stopReason = 'exhausted';
        break;
      }
      this.options.signal?.throwIfAborted();
      const path = this.select(root);
      const leaf = path[path.length - 1] as SearchNode;
      await this.expand(scope, leaf, path);
      if (!(params.earlyStop && this.solved)) {
        const open = leaf.children.filter((c) => !c.closed);
        if (open.length > 0) {
          const start = open[pickRng.int(open.length)] as SearchNode;
          const rolloutPath = [...path, start];
          const result = await rollout(scope, rolloutPath, (depth) =>
            seedFrom(settings.seed, taskId, 'rollout', iteration, depth),
          );
          this.rolloutSteps += result.steps;
          if (result.success) this.rolloutSuccesses++;
          backpropagate(rolloutPath, result.value);
        }
      }
      refreshClosed(path);
      iterationsRun++;
      this.options.onIteration?.(iteration);
      if (params.earlyStop && this.solved) {
        stopReason = 'early-stop';
        break;
      }
    }
    return finishTree({
      env,
      policy: this.deps.policy,
      taskId,
      settings,
      algorithm: 'mcts',
      params,
      root: stripSearchFields(root),
      stats: {
        iterationsRun,
        stopReason,
        llmCalls: this.usage.calls,
        promptTokens: this.usage.promptTokens,
        completionTokens: this.usage.completionTokens,
        rolloutSteps: this.rolloutSteps,
        rolloutSuccesses: this.rolloutSuccesses,
        wallSeconds: (performance.now() - started) / 1000,
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
