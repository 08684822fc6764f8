import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../testing/shared.js';
import { UserError } from '../core/errors.js';
import { importOfficialFolder, readOfficialTree } from './official-import.js';
import { buildPairs } from './pairs.js';
import { nodesAlong, readTreeFile } from './tree.js';

test('official HotPotQA tree: nodes, Q = value, null states, canonical texts, best path, pairs', () => {
  const tree = readOfficialTree(fixture('official/hotpotqa/0.json'), 'hotpotqa');
  assert.equal(tree.taskId, '0');
  assert.equal(
    tree.task,
    "Question: Which magazine was started first, Arthur's Magazine or First for Women?",
  );
  assert.equal(tree.root.observation, tree.task);
  assert.equal(tree.stats.nodes, 7);
  assert.equal(tree.stats.solved, true);
  assert.equal(tree.stats.llmCalls, null);
  assert.deepEqual(tree.bestPath, [0, 0, 0]);
  const [first, wrong, unvisited] = tree.root.children;
  assert.equal(first?.action, "Search[Arthur's Magazine]");
  assert.equal(
    first?.text,
    "Thought: I need to search Arthur's Magazine and First for Women, and find which was started first.\nAction: Search[Arthur's Magazine]",
  );
  assert.deepEqual([first?.q, first?.visits, first?.state], [1 / 3, 3, null]);
  assert.deepEqual([wrong?.terminal, wrong?.reward, wrong?.q], [true, 0, -1]);
  assert.deepEqual([unvisited?.visits, unvisited?.children], [0, []]);
  const best = nodesAlong(tree.root, tree.bestPath ?? []).at(-1);
  assert.deepEqual(
    [best?.action, best?.reward, best?.info],
    ["Finish[Arthur's Magazine]", 1, { em: 1 }],
  );

  const pairs = buildPairs(tree, { strategy: 'best-path', minGap: 0 });
  // Depth 0: the unvisited sibling is ignored. Depth 1: the Lookup sibling has the higher Q,
  // so it is chosen although the best path continues through the Search (the method's rule).
  assert.deepEqual(
    pairs.map((p) => [p.depth, p.chosen.split('Action: ')[1], p.rejected.split('Action: ')[1]]),
    [
      [0, "Search[Arthur's Magazine]", 'Finish[First for Women]'],
      [1, 'Lookup[1844]', 'Search[First for Women]'],
      [2, "Finish[Arthur's Magazine]", 'Finish[First for Women]'],
    ],
  );
  assert.equal(pairs[2]?.context.history.length, 2);
});

test('official WebShop tree: raw replies re-parsed, invalid actions marked, no success -> no best path', () => {
  const tree = readOfficialTree(fixture('official/webshop/7.json'), 'webshop');
  assert.match(tree.task, /^WebShop \[SEP\] Instruction/);
  assert.deepEqual(
    tree.root.children.map((c) => [c.action, c.valid, c.reward]),
    [
      ['search[red t-shirt]', true, 0],
      ['click[buy now]', false, -1],
    ],
  );
  assert.equal(tree.bestPath, null);
  assert.equal(tree.maxDepth, 10);
  assert.deepEqual(buildPairs(tree, { strategy: 'best-path', minGap: 0 }), []);
  assert.equal(buildPairs(tree, { strategy: 'all-siblings', minGap: 0 }).length, 1);
});

test('a JSON file that is not an official tree is refused, naming the file and the field', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-import-garbage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, '3.json');
  writeFileSync(file, '{"garbage":true}');
  assert.throws(
    () => readOfficialTree(file, 'hotpotqa'),
    (e: unknown) =>
      e instanceof UserError && /3\.json: field (children|visits|value): /.test(e.message),
  );
  const result = importOfficialFolder(dir, join(dir, 'out'), 'hotpotqa');
  assert.equal(result.converted, 0);
  assert.equal(result.invalid.length, 1);
});

test('importOfficialFolder: converts valid files into <out>/trees, reports invalid ones by name', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-import-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const result = importOfficialFolder(fixture('official/hotpotqa'), out, 'hotpotqa');
  assert.equal(result.converted, 1);
  assert.equal(result.invalid.length, 1);
  assert.match(result.invalid[0]?.error ?? '', /1\.json: field visits/);
  assert.deepEqual(readdirSync(join(out, 'trees')), ['0.json']);
  assert.equal(readTreeFile(join(out, 'trees', '0.json')).stats.stopReason, 'imported');
});
