import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/fs.js';
import { Mcts } from '../search/mcts.js';
import { createScriptedPolicy, createToyEnv } from '../search/testkit/toy.js';
import { bestPathOf, readTreeFile, treeFileName, type TreeNode } from './tree.js';

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
  assert.throws(() => readTreeFile(file), /t1\.json: field format/);
});
