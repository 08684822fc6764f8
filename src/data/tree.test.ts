import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJsonAtomic } from '../core/fs.js';
import { Mcts } from '../search/mcts.js';
import { createScriptedPolicy, createToyEnv } from '../search/testkit/toy.js';
import {
  bestPathOf,
  readTreeFile,
  storedTree,
  treeFileName,
  walkTree,
  writeTreeFile,
  type TreeNode,
} from './tree.js';

function leaf(reward: number, q: number, terminal = true): TreeNode {
  return {
    text: '',
    thought: '',
    action: '',
    observation: '',
    reward,
    terminal,
    depthLimited: false,
    valid: true,
    depth: 1,
    visits: 1,
    q,
    state: null,
    children: [],
  };
}

test('bestPathOf: highest terminal reward > 0, then higher Q, then shallower, then first in DFS order', () => {
  const root = leaf(0, 0, false);
  assert.equal(bestPathOf(root), null);
  root.children = [leaf(0, -1), leaf(0.5, 0.5)];
  assert.deepEqual(bestPathOf(root), [1]);
  const deep = leaf(0, 0, false);
  deep.children = [leaf(0.5, 0.5)];
  deep.children[0]!.depth = 2;
  root.children.unshift(deep);
  assert.deepEqual(bestPathOf(root), [2]); // same reward and Q: the shallower wins
  root.children.push(leaf(0.5, 0.5));
  assert.deepEqual(bestPathOf(root), [2]); // full tie: first in DFS order
  root.children.push(leaf(0.5, 0.7));
  assert.deepEqual(bestPathOf(root), [4]); // higher Q
  root.children.push(leaf(1, -1));
  assert.deepEqual(bestPathOf(root), [5]); // higher reward first
  root.children.push(leaf(1, 1, false));
  assert.deepEqual(bestPathOf(root), [5]); // only terminal nodes count
});

test('treeFileName: safe and injective', () => {
  assert.equal(treeFileName('dev-000'), 'dev-000.json');
  assert.equal(treeFileName('fixed_12'), 'fixed_12.json');
  assert.equal(treeFileName('../a/b'), '%2E%2E%2Fa%2Fb.json');
  assert.notEqual(treeFileName('a b'), treeFileName('a_b'));
  assert.equal(treeFileName('é'), '%C3%A9.json');
});

test('tree files round-trip through the schema; a bad bestPath is named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-tree-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tree = await new Mcts(
    { env: createToyEnv(), policy: createScriptedPolicy() },
    { iterations: 5, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed: 2 },
  ).search('t1');
  const file = join(dir, 't1.json');
  writeJsonAtomic(file, tree);
  assert.deepEqual(readTreeFile(file), JSON.parse(JSON.stringify(tree)));
  writeJsonAtomic(file, { ...tree, bestPath: [9, 9] });
  assert.throws(() => readTreeFile(file), /t1\.json: field bestPath/);
  writeJsonAtomic(file, { ...tree, format: 'stepq.tree/0' });
  assert.throws(
    () => readTreeFile(file),
    /t1\.json: field format: unknown tree format "stepq.tree\/0"/,
  );
});

test('format 2 round-trips exactly; text is left out where rebuilt, repeated observations are references', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-tree-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tree = await new Mcts(
    { env: createToyEnv(), policy: createScriptedPolicy() },
    { iterations: 8, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed: 5 },
  ).search('t2');
  // A node whose text is not the canonical one (e.g. edited by hand) keeps its text.
  const odd = tree.root.children[0] as TreeNode;
  odd.text = 'Thought: something else\nAction: Move[+1]';
  const file = join(dir, 't2.json');
  writeTreeFile(file, tree);
  assert.deepEqual(readTreeFile(file), JSON.parse(JSON.stringify(tree)));
  const stored = JSON.parse(readFileSync(file, 'utf8'));
  const storedNodes = [...walkTree(stored.root)].map(
    (e) => e.node as unknown as Record<string, unknown>,
  );
  const texts = storedNodes.filter((n) => 'text' in n).map((n) => n.text);
  assert.deepEqual(texts, [odd.text]);
  const refs = storedNodes.filter((n) => typeof n.observation === 'number');
  assert.ok(refs.length > 0, 'the toy tree repeats observations');
  const observations = [...walkTree(tree.root)].map((e) => e.node.observation);
  assert.equal(new Set(observations).size, storedNodes.length - refs.length);
  // The same tree written the old way (every field inline) is larger.
  writeJsonAtomic(join(dir, 'inline.json'), tree);
  assert.ok(statSync(file).size < statSync(join(dir, 'inline.json')).size);
});

test('format 2: an observation reference that does not point back is named', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-tree-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = { ...leaf(0, 0, false), depth: 0, observation: 'task', children: [leaf(1, 1)] };
  const value = storedTree({
    format: 'stepq.tree/2',
    env: 'toy',
    taskId: 'x',
    task: 'task',
    policy: 'p',
    seed: 0,
    maxDepth: 4,
    search: { algorithm: 'mcts', params: {} },
    stats: {
      iterationsRun: 0,
      stopReason: 'budget',
      llmCalls: 0,
      promptTokens: 0,
      completionTokens: 0,
      nodes: 1,
      rolloutSteps: 0,
      rolloutSuccesses: 0,
      wallSeconds: 0,
      solved: true,
      bestReward: 1,
    },
    bestPath: null,
    root,
  }) as { root: { children: Array<{ observation: unknown }> } };
  (value.root.children[0] as { observation: unknown }).observation = 1;
  const file = join(dir, 'x.json');
  writeJsonAtomic(file, value);
  assert.throws(
    () => readTreeFile(file),
    /x\.json: field root\.children\[0\]\.observation: 1 is not the index of an earlier node/,
  );
});

test('format 1 files (written by stepq 0.1) are still read, as the same tree the search builds today', async () => {
  // src/data/fixtures/tree-v1-toy.json was written by the format-1 code (commit 829effc) with
  // these settings; reading it must give what today's MCTS builds, apart from the header.
  const old = readTreeFile(fileURLToPath(new URL('./fixtures/tree-v1-toy.json', import.meta.url)));
  const config = { iterations: 8, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed: 3 };
  const fresh = await new Mcts(
    { env: createToyEnv({ maxDepth: 4 }), policy: createScriptedPolicy() },
    config,
  ).search('t2');
  assert.equal(old.format, 'stepq.tree/2');
  assert.deepEqual(old.search, {
    algorithm: 'mcts',
    params: { iterations: 8, n: 3, c: 1.41, earlyStop: false },
  });
  fresh.stats.wallSeconds = old.stats.wallSeconds;
  // Vote counts are newer than format 1 (optional); everything else must be the same.
  const withoutVotes = (node: TreeNode): TreeNode => {
    const { votes: _v, ...rest } = node;
    return { ...rest, children: node.children.map(withoutVotes) };
  };
  assert.deepEqual(old, JSON.parse(JSON.stringify({ ...fresh, root: withoutVotes(fresh.root) })));
});
