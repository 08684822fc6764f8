/**
 * MCTS data collection (method-spec §3) with the official defects fixed (§9):
 *  - every expansion and rollout step starts from a copy of the parent's stored env
 *    state, so branches never share state (§9.1);
 *  - UCT = mean return + c·sqrt(ln N_parent / n_child) (§9.2);
 *  - nothing is pruned; a fully explored subtree is skipped and the search stops when
 *    the root has nothing left to explore (§9.8);
 *  - every terminal (and depth-limited) child is backed up once, when it is created,
 *    and never selected again (§9.9, §9.12 last item);
 *  - candidates are deduplicated on the normalised action (§9.11).
 * Seeds come from (run seed, task, node path or iteration), never from scheduling.
 */
import type { Env } from '../core/env.js';
import type { StepContext } from '../core/messages.js';
import { addUsage, emptyUsage, type Policy, type Usage } from '../core/policy.js';
import { Rng, seedFrom } from '../core/rng.js';
import { policyMessages } from '../agent/conversation.js';
import { distinctSteps, parseReply } from '../agent/parse.js';
import {
  bestPathOf,
  countNodes,
  historyOf,
  TREE_FORMAT,
  type TreeFile,
  type TreeNode,
} from '../data/tree.js';
import type { SearchAlgorithm, SearchConfig, SearchRunOptions } from './types.js';

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

/** Adds one return to every node of the path (visits + 1, Q = running mean). */
export function backpropagate(path: readonly TreeNode[], value: number): void {
  for (const node of path) {
    node.visits += 1;
    node.q += (value - node.q) / node.visits;
  }
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

function newNode(
  fields: Omit<SearchNode, 'children' | 'expanded' | 'closed' | 'visits' | 'q'>,
): SearchNode {
  return {
    ...fields,
    visits: 0,
    q: 0,
    children: [],
    expanded: false,
    closed: fields.terminal || fields.depthLimited,
  };
}

export interface MctsDeps {
  env: Env;
  policy: Policy;
}

export class Mcts implements SearchAlgorithm {
  readonly name = 'mcts';

  constructor(
    private readonly deps: MctsDeps,
    readonly config: SearchConfig,
  ) {
    if (config.maxDepth < 1) throw new RangeError('maxDepth must be >= 1');
    if (config.n < 1) throw new RangeError('n must be >= 1');
  }

  async search(taskId: string, options: SearchRunOptions = {}): Promise<TreeFile> {
    return new MctsRun(this.deps, this.config, taskId, options).run();
  }
}

/** The state of one task's search. */
class MctsRun {
  private readonly usage: Usage = emptyUsage();
  private rolloutSteps = 0;
  private rolloutSuccesses = 0;
  private solved = false;
  private task = '';

  constructor(
    private readonly deps: MctsDeps,
    private readonly config: SearchConfig,
    private readonly taskId: string,
    private readonly options: SearchRunOptions,
  ) {}

  async run(): Promise<TreeFile> {
    const started = performance.now();
    const { env, policy } = this.deps;
    const { config, taskId } = this;
    const reset = await env.reset(taskId);
    this.task = reset.observation;
    const root = newNode({
      text: '',
      thought: '',
      action: '',
      observation: reset.observation,
      reward: 0,
      terminal: false,
      depthLimited: false,
      valid: true,
      depth: 0,
      state: reset.state,
    });
    const pickRng = new Rng(seedFrom(config.seed, taskId, 'rollout-start'));
    let iterationsRun = 0;
    let stopReason: TreeFile['stats']['stopReason'] = 'budget';
    for (let iteration = 0; iteration < config.iterations; iteration++) {
      if (root.closed) {
        stopReason = 'exhausted';
        break;
      }
      this.options.signal?.throwIfAborted();
      const path = this.select(root);
      const leaf = path[path.length - 1] as SearchNode;
      await this.expand(leaf, path);
      if (!(config.earlyStop && this.solved)) {
        const open = leaf.children.filter((c) => !c.closed);
        if (open.length > 0) {
          const start = open[pickRng.int(open.length)] as SearchNode;
          const rolloutPath = [...path, start];
          backpropagate(rolloutPath, await this.rollout(rolloutPath, iteration));
        }
      }
      refreshClosed(path);
      iterationsRun++;
      this.options.onIteration?.(iteration);
      if (config.earlyStop && this.solved) {
        stopReason = 'early-stop';
        break;
      }
    }
    const saved = stripSearchFields(root);
    const terminalRewards = [...terminalNodes(saved)].map((n) => n.reward);
    return {
      format: TREE_FORMAT,
      env: env.name,
      taskId,
      task: reset.observation,
      policy: policy.name,
      seed: config.seed,
      iterations: config.iterations,
      n: config.n,
      c: config.c,
      maxDepth: config.maxDepth,
      earlyStop: config.earlyStop,
      stats: {
        iterationsRun,
        stopReason,
        llmCalls: this.usage.calls,
        promptTokens: this.usage.promptTokens,
        completionTokens: this.usage.completionTokens,
        nodes: countNodes(saved),
        rolloutSteps: this.rolloutSteps,
        rolloutSuccesses: this.rolloutSuccesses,
        wallSeconds: (performance.now() - started) / 1000,
        solved: this.solved,
        bestReward: terminalRewards.length ? Math.max(...terminalRewards) : null,
      },
      bestPath: bestPathOf(saved),
      root: saved,
    };
  }

  /** Root-to-leaf path: descend through open children until an unexpanded node. */
  private select(root: SearchNode): SearchNode[] {
    const path = [root];
    let node = root;
    while (node.expanded) {
      const next = selectChild(node, this.config.c);
      // Unreachable while the invariant "open node => some open child" holds.
      if (!next) throw new Error(`MCTS: open node at depth ${node.depth} has no open child`);
      path.push(next);
      node = next;
    }
    return path;
  }

  private context(path: readonly SearchNode[]): StepContext {
    return {
      env: this.deps.env.name,
      taskId: this.taskId,
      task: this.task,
      history: historyOf(path),
    };
  }

  private async expand(leaf: SearchNode, path: readonly SearchNode[]): Promise<void> {
    const { env, policy } = this.deps;
    const { config } = this;
    const nodeKey = path
      .map((n, i) => (i === 0 ? 'r' : String((path[i - 1] as SearchNode).children.indexOf(n))))
      .join('.');
    const reply = await policy.propose(policyMessages(this.context(path)), config.n, {
      seed: seedFrom(config.seed, this.taskId, 'expand', nodeKey),
      signal: this.options.signal,
    });
    addUsage(this.usage, reply.usage);
    // An unreadable reply keeps its empty action: the env rejects it and the child's
    // low Q makes it a useful rejected example (the Q-model learns to avoid it).
    for (const step of distinctSteps(reply.candidates).steps) {
      const result = await env.step(structuredClone(leaf.state), step.action);
      const depth = leaf.depth + 1;
      const child = newNode({
        text: step.text,
        thought: step.thought,
        action: step.action,
        observation: result.observation,
        reward: result.reward,
        terminal: result.done,
        depthLimited: !result.done && depth >= config.maxDepth,
        valid: result.valid,
        depth,
        state: result.state,
        ...(result.info ? { info: result.info } : {}),
      });
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

  /** Samples one candidate per step from `start` (not stored) and returns the episode's return. */
  private async rollout(path: readonly SearchNode[], iteration: number): Promise<number> {
    const { env, policy } = this.deps;
    const start = path[path.length - 1] as SearchNode;
    const history = historyOf(path);
    let state = structuredClone(start.state);
    for (let depth = start.depth; depth < this.config.maxDepth; depth++) {
      const ctx: StepContext = { env: env.name, taskId: this.taskId, task: this.task, history };
      const reply = await policy.propose(policyMessages(ctx), 1, {
        seed: seedFrom(this.config.seed, this.taskId, 'rollout', iteration, depth),
        signal: this.options.signal,
      });
      addUsage(this.usage, reply.usage);
      const step = parseReply(reply.candidates[0] ?? '');
      const result = await env.step(state, step.action);
      this.rolloutSteps++;
      if (result.done) {
        if (env.returns.isSuccess(result.reward)) this.rolloutSuccesses++;
        return env.returns.terminal(result.reward);
      }
      state = result.state;
      history.push({ text: step.text, action: step.action, observation: result.observation });
    }
    return env.returns.depthLimit;
  }
}

function* terminalNodes(root: TreeNode): Generator<TreeNode> {
  if (root.terminal) yield root;
  for (const child of root.children) yield* terminalNodes(child);
}
