/**
 * The demo end to end. Golden test: a seeded `stepq demo --quick` run (HotPotQA and WebShop)
 * must reproduce the committed fixture demo-golden.json: the trees, pairs and trajectories by
 * content (hashes of the fields that carry results, so format-only changes such as dropping a
 * rebuildable field do not count) and the numbers of results.json (wall times left out). The
 * HotPotQA run is also checked for what the demo promises: every decision rule evaluated on
 * every test task, a Q-value for every candidate Q-guided scored, a saved model that loads.
 *
 * A change that is meant to change results updates the fixture in the same commit:
 *   STEPQ_UPDATE_GOLDEN=1 node scripts/run-tests.mjs commands/demo.test
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliBatch, type CliResult } from '../testing/cli.js';
import { runDigest, type Json } from '../../testing/run-digest.js';
import { loadQModel } from '../specs.js';

const FIXTURE = fileURLToPath(new URL('./demo-golden.json', import.meta.url));
const UPDATE = process.env.STEPQ_UPDATE_GOLDEN === '1';

const RUNS: Record<string, string[]> = {
  'hotpotqa --quick': ['--quick', '--seed', '0'],
  'webshop --quick': ['--env', 'webshop', '--quick', '--seed', '0'],
};

// Both demos run in one CLI process (one start of tsx and the CLI instead of two).
const root = mkdtempSync(join(tmpdir(), 'stepq-golden-'));
after(() => rmSync(root, { recursive: true, force: true }));
const batch = new CliBatch({ timeoutMs: 300_000 });
const demos = Object.entries(RUNS).map(([name, args], i) => {
  const out = join(root, String(i));
  return { name, out, result: batch.add(['demo', ...args, '--out', out, '--json']) };
});

const fixture: Record<string, Json> = UPDATE ? {} : JSON.parse(readFileSync(FIXTURE, 'utf8'));
const updated: Record<string, Json> = {};

for (const { name, out, result } of demos) {
  test(`seeded demo ${name} reproduces demo-golden.json`, () => {
    const r: CliResult = result();
    assert.equal(r.status, 0, `demo exited ${r.status}: ${r.stderr}`);
    const got = runDigest(out);
    if (UPDATE) {
      updated[name] = got;
      writeFileSync(FIXTURE, `${JSON.stringify(updated, null, 2)}\n`);
      return;
    }
    assert.deepEqual(
      got,
      fixture[name],
      'the demo results changed; if that is intended, update the fixture in the same commit ' +
        '(STEPQ_UPDATE_GOLDEN=1 node scripts/run-tests.mjs commands/demo.test)',
    );
  });
}

test('stepq demo runs the whole method end to end: every rule on every test task, a model that loads', async () => {
  const { out, result } = demos[0]!;
  const r = result();
  assert.equal(r.status, 0, `demo exited ${r.status}: ${r.stderr}`);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.env, 'hotpotqa');
  assert.ok(summary.trainTasks > 0 && summary.testTasks > 0);
  assert.deepEqual(
    summary.arms.map((a: { algorithm: string }) => a.algorithm),
    ['greedy', 'best-of-n-random', 'majority', 'qguided'],
  );
  for (const arm of summary.arms) {
    assert.equal(arm.summary.tasks, summary.testTasks);
    assert.ok(arm.success.low <= arm.success.mean && arm.success.mean <= arm.success.high);
    assert.ok(arm.summary.llmCalls > 0);
    const lines = readFileSync(join(out, 'eval', arm.algorithm, 'trajectories.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, summary.testTasks);
  }
  assert.ok(summary.pairs > 0, 'pairs were built from the collected trees');
  assert.ok(summary.collect.nodes > 0);
  assert.equal(readdirSync(join(out, 'collect', 'trees')).length, summary.trainTasks);
  assert.equal(
    readFileSync(join(out, 'pairs.jsonl'), 'utf8').trim().split('\n').length,
    summary.pairs,
  );
  assert.ok(existsSync(join(out, 'results.json')));
  // Q-guided logged a Q-value for every candidate of every multi-candidate step.
  const qguided = readFileSync(join(out, 'eval', 'qguided', 'trajectories.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const scored = qguided
    .flatMap((t) => t.steps)
    .filter((s: { candidates: unknown[] }) => s.candidates.length > 1);
  assert.ok(scored.length > 0);
  for (const step of scored) for (const c of step.candidates) assert.equal(typeof c.q, 'number');
  // The saved model loads and scores.
  const model = await loadQModel(join(out, 'qmodel'));
  const qs = await model.score(
    { env: 'hotpotqa', taskId: 't', task: 'Question: Who?', history: [] },
    ['Thought: a\nAction: Search[A]', 'Thought: b\nAction: Finish[B]'],
  );
  assert.equal(qs.length, 2);
  assert.ok(qs.every(Number.isFinite));
});
