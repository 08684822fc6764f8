import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTreeFile, type TreeFile } from '../data/tree.js';
import { pairSelections } from '../data/pairs.js';
import { UserError } from '../core/errors.js';
import { collectTrees } from './collect.js';
import { mctsAlgorithm } from './mcts.js';
import {
  createSearchAlgorithm,
  getSearchAlgorithm,
  registerSearchAlgorithm,
  searchAlgorithmNames,
} from './registry.js';
import { createScriptedPolicy, createToyEnv } from './testkit/toy.js';
// The example algorithm, written against the public API only; importing it registers `beam`.
import { beamSearch } from '../../examples/search/beam.js';

const deps = () => ({ env: createToyEnv({ maxDepth: 4 }), policy: createScriptedPolicy() });

test('registry: MCTS is registered; unknown names and bad options are one line naming the field', () => {
  assert.equal(getSearchAlgorithm('mcts'), mctsAlgorithm);
  assert.ok(searchAlgorithmNames().includes('beam'));
  assert.throws(
    () => getSearchAlgorithm('nope'),
    (err: unknown) =>
      err instanceof UserError &&
      /unknown search algorithm "nope" \(known: mcts, beam/.test(err.message),
  );
  assert.throws(
    () => createSearchAlgorithm('mcts', deps(), { maxDepth: 4, seed: 0 }, { n: 0 }),
    (err: unknown) => err instanceof UserError && /^mcts option n: /.test(err.message),
  );
  assert.throws(
    () => createSearchAlgorithm('beam', deps(), { maxDepth: 4, seed: 0 }, { iterations: 3 }),
    (err: unknown) => err instanceof UserError && /^beam option .*iterations/.test(err.message),
  );
  assert.throws(() => registerSearchAlgorithm({ ...beamSearch }), /already registered/);
  registerSearchAlgorithm(beamSearch); // the same spec again is harmless
  const mcts = createSearchAlgorithm('mcts', deps(), { maxDepth: 4, seed: 0 });
  assert.deepEqual(mcts.params, { iterations: 30, n: 5, c: 1.41, earlyStop: false });
});

async function collectBeam(out: string): Promise<TreeFile[]> {
  const summary = await collectTrees({
    ...deps(),
    taskIds: ['t1', 't2', 't3'],
    outDir: out,
    algorithm: 'beam',
    config: { maxDepth: 4, seed: 7, width: 2 },
    concurrency: 2,
  });
  assert.equal(summary.failed, 0);
  assert.equal(summary.tasks, 3);
  return readdirSync(join(out, 'trees'))
    .sort()
    .map((name) => readTreeFile(join(out, 'trees', name)));
}

test('the example beam search runs through collect on the toy env, reproducibly, and gives pairs', async (t) => {
  const a = mkdtempSync(join(tmpdir(), 'stepq-beam-'));
  const b = mkdtempSync(join(tmpdir(), 'stepq-beam-'));
  t.after(() => {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  });
  const trees = await collectBeam(a);
  assert.equal(trees.length, 3);
  for (const tree of trees) {
    assert.deepEqual(tree.search, {
      algorithm: 'beam',
      params: { width: 2, n: 3, rollouts: 1 },
    });
    assert.ok(tree.stats.nodes > 0);
    assert.ok((tree.stats.llmCalls ?? 0) > 0);
    // The beam keeps at most `width` nodes per depth, each expanded into at most n children.
    for (let depth = 1; depth <= 4; depth++) {
      const expanded = [...walk(tree)].filter((n) => n.depth === depth && n.children.length > 0);
      assert.ok(expanded.length <= 2, `depth ${depth}: ${expanded.length} expanded nodes`);
    }
  }
  assert.ok(
    trees.some((t) => t.stats.solved),
    'beam search solves some toy task',
  );
  const pairs = trees.flatMap((t) => pairSelections(t, { strategy: 'all-siblings', minGap: 0 }));
  assert.ok(pairs.length > 0);
  const again = await collectBeam(b);
  const strip = (ts: TreeFile[]) =>
    ts.map((t) => ({ ...t, stats: { ...t.stats, wallSeconds: 0 } }));
  assert.deepEqual(strip(again), strip(trees));
});

function* walk(tree: TreeFile) {
  const stack = [tree.root];
  while (stack.length) {
    const node = stack.pop()!;
    yield node;
    stack.push(...node.children);
  }
}

test('the run folder records validated options: leaving out a default is the same run', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-beam-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  await collectBeam(out);
  const again = await collectTrees({
    ...deps(),
    taskIds: ['t1', 't2', 't3'],
    outDir: out,
    algorithm: 'beam',
    config: { maxDepth: 4, seed: 7, width: 2, n: 3, rollouts: 1 },
    concurrency: 2,
  });
  assert.equal(again.skipped, 3);
});
