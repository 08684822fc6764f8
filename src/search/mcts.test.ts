import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../core/messages.js';
import { Rng, seedFrom } from '../core/rng.js';
import { nodesAlong, walkTree, type TreeNode } from '../data/tree.js';
import { backpropagate, Mcts, selectChild, uct, type SearchNode } from './mcts.js';
import { createScriptedPolicy, createToyEnv, type ToyState } from './testkit/toy.js';

function node(q: number, visits: number, extra: Partial<SearchNode> = {}): SearchNode {
  return {
    text: '',
    thought: '',
    action: '',
    observation: '',
    reward: 0,
    terminal: false,
    depthLimited: false,
    valid: true,
    depth: 1,
    visits,
    q,
    state: null,
    children: [],
    expanded: false,
    closed: false,
    ...extra,
  };
}

test('uct: mean return plus c * sqrt(ln N / n)', () => {
  assert.equal(uct(0.5, 4, 10, 1.41), 0.5 + 1.41 * Math.sqrt(Math.log(10) / 4));
  assert.equal(uct(-1, 1, 1, 1.41), -1); // ln 1 = 0: no exploration bonus
});

test('selectChild: unvisited first, never closed children, then highest UCT', () => {
  const parent = node(0, 10, {
    children: [
      node(0.9, 5),
      node(1, 1, { closed: true, terminal: true }),
      node(0.2, 1),
      node(0, 0),
    ],
  });
  assert.equal(selectChild(parent, 1.41), parent.children[3]);
  parent.children[3]!.closed = true;
  // child 0: 0.9 + 1.41*sqrt(ln10/5) = 1.857; child 2: 0.2 + 1.41*sqrt(ln10) = 2.340
  assert.equal(selectChild(parent, 1.41), parent.children[2]);
  assert.equal(selectChild(parent, 0), parent.children[0]);
  for (const c of parent.children) c.closed = true;
  assert.equal(selectChild(parent, 1.41), undefined);
});

test('backpropagate: visits + 1 and Q = running mean on every node of the path', () => {
  const path = [node(0, 0), node(0, 0)];
  backpropagate(path, 1);
  backpropagate(path.slice(0, 1), -1);
  backpropagate(path, -0.5);
  assert.deepEqual(
    path.map((n) => [n.visits, n.q]),
    [
      [3, -0.5 / 3],
      [2, 0.25],
    ],
  );
});

/** Last user turn of the conversation (the latest observation or the task). */
function lastUser(messages: readonly Message[]): string {
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** Scripted replies for target 1 (see the hand-worked example below). */
function handScript(messages: readonly Message[]): string[] {
  const last = lastUser(messages);
  if (last.startsWith('Task:')) return ['Move[+1]', 'Finish[]', 'Move[-1]'];
  if (last.includes('You are at 1.')) return ['Finish[]', 'Move[+1]', 'Move[-1]'];
  return ['Finish[]'];
}

/** A seed whose seeded rollout-start choice among 2 open children is the first one. */
function seedPickingFirst(taskId: string): number {
  for (let s = 0; ; s++) if (new Rng(seedFrom(s, taskId, 'rollout-start')).int(2) === 0) return s;
}

test('MCTS by hand: expansion, immediate terminal backup, rollout, unvisited-first, exhaustion', async () => {
  const seed = seedPickingFirst('t1');
  const env = createToyEnv({ maxDepth: 2 });
  const policy = createScriptedPolicy({ script: handScript });
  const tree = await new Mcts(
    { env, policy },
    { iterations: 10, n: 3, c: 1.41, maxDepth: 2, earlyStop: false, seed },
  ).search('t1');
  const root = tree.root;
  const [A, B, C] = root.children as [TreeNode, TreeNode, TreeNode];
  // Iteration 0: expand root -> A=Move[+1] (pos 1), B=Finish[] (wrong, return -1, backed up at once),
  //   C=Move[-1]; rollout from A (seeded pick): Finish at 1 -> +1.
  // Iteration 1: C is unvisited, so selected and expanded: its only child Finish at -1 -> -1; C closed.
  // Iteration 2: A (the only open child) expanded: Finish (+1), Move[+1] and Move[-1] reach depth 2
  //   = the limit (-0.5 each). Nothing open is left: iteration 3 finds the root exhausted.
  assert.deepEqual([A.action, B.action, C.action], ['Move[+1]', 'Finish[]', 'Move[-1]']);
  assert.deepEqual([B.visits, B.q, B.terminal], [1, -1, true]);
  assert.deepEqual([C.visits, C.q], [1, -1]);
  assert.deepEqual(
    C.children.map((c) => [c.action, c.visits, c.q]),
    [['Finish[]', 1, -1]],
  );
  assert.equal(A.visits, 4);
  assert.equal(A.q, (1 + 1 - 0.5 - 0.5) / 4);
  assert.deepEqual(
    A.children.map((c) => [c.action, c.terminal, c.depthLimited, c.visits, c.q]),
    [
      ['Finish[]', true, false, 1, 1],
      ['Move[+1]', false, true, 1, -0.5],
      ['Move[-1]', false, true, 1, -0.5],
    ],
  );
  assert.equal(root.visits, 6);
  assert.ok(Math.abs(root.q - (-1 + 1 - 1 + 1 - 0.5 - 0.5) / 6) < 1e-12);
  assert.equal(tree.stats.iterationsRun, 3);
  assert.equal(tree.stats.stopReason, 'exhausted');
  assert.equal(tree.stats.solved, true);
  assert.equal(tree.stats.rolloutSteps, 1);
  assert.equal(tree.stats.nodes, 7);
  assert.equal(tree.stats.llmCalls, 4); // 3 expansions + 1 rollout step
  assert.deepEqual(tree.bestPath, [0, 0]);
});

test('MCTS: early stop ends the search at the first stored success', async () => {
  const seed = seedPickingFirst('t1');
  const env = createToyEnv({ maxDepth: 2 });
  const policy = createScriptedPolicy({ script: handScript });
  const tree = await new Mcts(
    { env, policy },
    { iterations: 10, n: 3, c: 1.41, maxDepth: 2, earlyStop: true, seed },
  ).search('t1');
  assert.equal(tree.stats.stopReason, 'early-stop');
  assert.equal(tree.stats.iterationsRun, 3);
  assert.deepEqual(tree.bestPath, [0, 0]);
});

test('MCTS: candidates are deduplicated on the normalised action and empty actions kept as invalid', async () => {
  const env = createToyEnv({ maxDepth: 1 });
  const script = () => [
    'Thought: a\nAction: Finish[]',
    'Thought: b\nAction: finish [ ]',
    'Thought: c\nAction: FINISH[]',
    'Thought: I do not know',
  ];
  const policy = createScriptedPolicy({ script });
  const tree = await new Mcts(
    { env, policy },
    { iterations: 1, n: 4, c: 1.41, maxDepth: 1, earlyStop: false, seed: 0 },
  ).search('t0');
  assert.deepEqual(
    tree.root.children.map((c) => [c.action, c.valid, c.terminal, c.depthLimited]),
    [
      ['Finish[]', true, true, false],
      ['', false, false, true],
    ],
  );
  assert.deepEqual(
    tree.root.children.map((c) => c.q),
    [1, -0.5],
  );
  assert.equal(tree.stats.stopReason, 'budget');
});

test('MCTS with a random policy: finds the optimal path and good actions end with higher Q', async () => {
  const env = createToyEnv({ maxDepth: 4 });
  const policy = createScriptedPolicy();
  const tree = await new Mcts(
    { env, policy },
    { iterations: 30, n: 4, c: 1.41, maxDepth: 4, earlyStop: false, seed: 7 },
  ).search('t2');
  assert.equal(tree.stats.solved, true);
  assert.ok(tree.bestPath);
  const path = nodesAlong(tree.root, tree.bestPath);
  assert.deepEqual(
    path.slice(1).map((n) => n.action),
    ['Move[+1]', 'Move[+1]', 'Finish[]'],
  );
  const byAction = new Map(tree.root.children.map((c) => [c.action, c]));
  const up = byAction.get('Move[+1]');
  assert.ok(up && up.visits > 0);
  for (const other of tree.root.children)
    if (other !== up && other.visits > 0)
      assert.ok(up.q > other.q, `${up.q} > ${other.action} ${other.q}`);
  // The visit counts add up: every return backed up through a child also passed the root.
  const childVisits = tree.root.children.reduce((s, c) => s + c.visits, 0);
  assert.equal(tree.root.visits, childVisits);
});

test('MCTS: branches never share env state, even with an env that mutates its input', async () => {
  const env = createToyEnv({ maxDepth: 4, mutateInPlace: true });
  const policy = createScriptedPolicy();
  const tree = await new Mcts(
    { env, policy },
    { iterations: 20, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed: 3 },
  ).search('t2');
  const clean = createToyEnv({ maxDepth: 4 });
  let checked = 0;
  for (const { node, path } of walkTree(tree.root)) {
    // Replay the node's actions from a fresh reset: the stored state must be exactly that.
    let state: ToyState = (await clean.reset('t2')).state;
    for (const step of nodesAlong(tree.root, path).slice(1))
      state = (await clean.step(state, step.action)).state;
    assert.deepEqual(node.state, state, `state at ${path.join('.')}`);
    checked++;
  }
  assert.ok(checked > 10);
});

test('MCTS: the same seed gives the same tree; a policy error propagates', async () => {
  const run = (seed: number) =>
    new Mcts(
      { env: createToyEnv(), policy: createScriptedPolicy() },
      { iterations: 8, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed },
    ).search('t1');
  const [a, b] = [await run(5), await run(5)];
  assert.deepEqual(a.root, b.root);
  const failing = new Mcts(
    { env: createToyEnv(), policy: createScriptedPolicy({ failOn: 'Task:' }) },
    { iterations: 2, n: 2, c: 1.41, maxDepth: 4, earlyStop: false, seed: 0 },
  );
  await assert.rejects(failing.search('t1'), /scripted failure/);
});

test('MCTS: no endless loop when every child is terminal or the policy returns nothing', async () => {
  const onlyFinish = createScriptedPolicy({ script: () => ['Finish[]'] });
  const tree = await new Mcts(
    { env: createToyEnv(), policy: onlyFinish },
    { iterations: 50, n: 5, c: 1.41, maxDepth: 4, earlyStop: false, seed: 0 },
  ).search('t1');
  assert.deepEqual(
    [tree.stats.iterationsRun, tree.stats.stopReason, tree.stats.nodes, tree.root.visits],
    [1, 'exhausted', 1, 1],
  );
  const silent = {
    name: 'silent',
    propose: async () => ({
      candidates: [],
      usage: { calls: 1, promptTokens: 0, completionTokens: 0 },
    }),
  };
  const empty = await new Mcts(
    { env: createToyEnv(), policy: silent },
    { iterations: 50, n: 5, c: 1.41, maxDepth: 4, earlyStop: false, seed: 0 },
  ).search('t1');
  assert.deepEqual(
    [empty.stats.iterationsRun, empty.stats.stopReason, empty.stats.nodes, empty.bestPath],
    [1, 'exhausted', 0, null],
  );
});
