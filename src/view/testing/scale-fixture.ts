/**
 * A generated run folder at the scale the viewer must stay responsive at: one MCTS tree
 * of 5,005 nodes and 1,000 eval tasks. Used by the viewer's tests.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TREE_FORMAT, type TreeNode } from '../../data/tree.js';

function node(depth: number, index: number, q: number, children: TreeNode[] = []): TreeNode {
  const action = `Search[entity ${depth}.${index}]`;
  return {
    text: `Thought: look it up.\nAction: ${action}`,
    thought: 'look it up.',
    action,
    observation: `Page ${depth}.${index}: ${'text '.repeat(80)}`,
    reward: 0,
    terminal: false,
    depthLimited: false,
    valid: true,
    depth,
    visits: 1,
    q,
    state: null,
    children,
  };
}

/** Writes the folder and returns its path; the caller removes it. */
export function writeScaleRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-view-scale-'));
  // 5 + 5*20 + 5*20*49 = 5,005 nodes below the root.
  const root = node(
    0,
    0,
    0,
    Array.from({ length: 5 }, (_, a) =>
      node(
        1,
        a,
        a / 5,
        Array.from({ length: 20 }, (_, b) =>
          node(
            2,
            b,
            b / 20,
            Array.from({ length: 49 }, (_, c) => node(3, c, c / 49)),
          ),
        ),
      ),
    ),
  );
  root.action = '';
  const stats = {
    iterationsRun: 1,
    stopReason: 'budget',
    llmCalls: 1,
    promptTokens: 1,
    completionTokens: 1,
    nodes: 5005,
    rolloutSteps: 0,
    rolloutSuccesses: 0,
    wallSeconds: 1,
    solved: false,
    bestReward: null,
  };
  const tree = {
    format: TREE_FORMAT,
    env: 'hotpotqa',
    taskId: 'big',
    task: 'Question: big?',
    policy: 'p',
    seed: 0,
    maxDepth: 7,
    search: { algorithm: 'mcts', params: { iterations: 1, n: 5, c: 1, earlyStop: false } },
    stats,
    bestPath: null,
    root,
  };
  mkdirSync(join(dir, 'trees'));
  writeFileSync(join(dir, 'trees', 'big.json'), JSON.stringify(tree));
  const lines = Array.from({ length: 1000 }, (_, i) =>
    JSON.stringify({
      format: 'stepq.trajectory/1',
      env: 'hotpotqa',
      taskId: `t${String(i).padStart(4, '0')}`,
      task: `Question: number ${i}?`,
      algorithm: 'greedy',
      policy: 'p',
      n: 1,
      seed: 0,
      steps: [],
      reward: i % 2,
      success: i % 2 === 1,
      depthLimited: false,
      info: {},
      usage: { calls: 1, promptTokens: 1, completionTokens: 1 },
      wallSeconds: 0,
    }),
  );
  writeFileSync(join(dir, 'trajectories.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}
