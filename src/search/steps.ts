/**
 * The two moves every tree search here is built from, written once: expansion (sample n
 * candidates, dedup them, execute each from a copy of the parent's stored state) and
 * rollout (one sampled step at a time to the end of the episode, not stored). MCTS
 * (./mcts.ts), the pair-quality check (./pair-quality.ts) and any other algorithm use them,
 * so the rules (dedup, state isolation, returns at the depth limit) cannot drift apart.
 */
import type { Env } from '../core/env.js';
import type { StepContext } from '../core/messages.js';
import { addUsage, type Policy, type Usage } from '../core/policy.js';
import { policyMessages } from '../agent/conversation.js';
import { distinctSteps, parseReply } from '../agent/parse.js';
import { historyOf, type TreeNode } from '../data/tree.js';

/** What a search step needs to know about the task it works on. */
export interface TaskScope {
  env: Env;
  policy: Policy;
  taskId: string;
  /** The task text (the root's observation). */
  task: string;
  /** Actions per episode at most. */
  maxDepth: number;
  signal?: AbortSignal;
  /** LLM usage is added here (calls that fail add nothing). */
  usage?: Usage;
}

/** A fresh node: unvisited, no children. */
export function createNode(fields: Omit<TreeNode, 'children' | 'visits' | 'q'>): TreeNode {
  return { ...fields, visits: 0, q: 0, children: [] };
}

/** The root of a task's tree: the env's reset, nothing executed yet. */
export async function createRoot(env: Env, taskId: string): Promise<TreeNode> {
  const reset = await env.reset(taskId);
  return createNode({
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
}

/** The decision context at the end of a root-first path of nodes. */
export function contextOf(scope: TaskScope, path: readonly TreeNode[]): StepContext {
  return { env: scope.env.name, taskId: scope.taskId, task: scope.task, history: historyOf(path) };
}

/**
 * Expands the last node of `path` (root first): one request for n candidates, deduplicated
 * on the normalised action (first wins), each executed from a copy of the parent's stored
 * state. Returns the new children in proposal order; the caller attaches them. An unreadable
 * reply keeps its empty action: the env rejects it, and its low value makes it a useful
 * rejected example. A reply with no candidates gives no children.
 */
export async function expandNode(
  scope: TaskScope,
  path: readonly TreeNode[],
  n: number,
  seed: number,
): Promise<TreeNode[]> {
  const { env, policy } = scope;
  const parent = path[path.length - 1] as TreeNode;
  const reply = await policy.propose(policyMessages(contextOf(scope, path)), n, {
    seed,
    signal: scope.signal,
  });
  if (scope.usage) addUsage(scope.usage, reply.usage);
  const children: TreeNode[] = [];
  const { steps, sourceOf } = distinctSteps(reply.candidates);
  // The policy's own votes: how many of the n samples proposed each distinct action.
  const votes = steps.map((_, i) => sourceOf.filter((j) => j === i).length);
  for (const [i, step] of steps.entries()) {
    const result = await env.step(structuredClone(parent.state), step.action);
    const depth = parent.depth + 1;
    children.push(
      createNode({
        text: step.text,
        thought: step.thought,
        action: step.action,
        observation: result.observation,
        reward: result.reward,
        terminal: result.done,
        depthLimited: !result.done && depth >= scope.maxDepth,
        valid: result.valid,
        depth,
        votes: votes[i] as number,
        state: result.state,
        ...(result.info ? { info: result.info } : {}),
      }),
    );
  }
  return children;
}

export interface RolloutResult {
  /** The episode's return (env.returns). */
  value: number;
  /** Env steps taken. */
  steps: number;
  /** The episode ended in a success (env.returns.isSuccess). */
  success: boolean;
}

/**
 * Plays the episode on from the last node of `path` with one sampled candidate per step,
 * from a copy of that node's state, until the env ends it or the depth limit; nothing is
 * stored. `seedAt(depth)` seeds the request made at each depth. A node that already ends
 * the episode returns its own value without a step.
 */
export async function rollout(
  scope: TaskScope,
  path: readonly TreeNode[],
  seedAt: (depth: number) => number,
): Promise<RolloutResult> {
  const { env, policy } = scope;
  const start = path[path.length - 1] as TreeNode;
  if (start.terminal)
    return {
      value: env.returns.terminal(start.reward),
      steps: 0,
      success: env.returns.isSuccess(start.reward),
    };
  const history = historyOf(path);
  let state: unknown = structuredClone(start.state);
  let steps = 0;
  for (let depth = start.depth; depth < scope.maxDepth; depth++) {
    const ctx: StepContext = { env: env.name, taskId: scope.taskId, task: scope.task, history };
    const reply = await policy.propose(policyMessages(ctx), 1, {
      seed: seedAt(depth),
      signal: scope.signal,
    });
    if (scope.usage) addUsage(scope.usage, reply.usage);
    const step = parseReply(reply.candidates[0] ?? '');
    const result = await env.step(state, step.action);
    steps++;
    if (result.done) {
      const success = env.returns.isSuccess(result.reward);
      return { value: env.returns.terminal(result.reward), steps, success };
    }
    state = result.state;
    history.push({ text: step.text, action: step.action, observation: result.observation });
  }
  return { value: env.returns.depthLimit, steps, success: false };
}

/** Adds one return to every node of the path (visits + 1, Q = running mean). */
export function backpropagate(path: readonly TreeNode[], value: number): void {
  for (const node of path) {
    node.visits += 1;
    node.q += (value - node.q) / node.visits;
  }
}
