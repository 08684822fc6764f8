import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../testing/shared.js';
import { loadQModel } from '../specs.js';

test('stepq demo runs the whole method end to end (small configuration)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-demo-'));
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/run.ts',
      'demo',
      '--quick',
      '--data',
      'builtin:synthetic:120',
      '--train-tasks',
      '30',
      '--test-tasks',
      '30',
      '--iterations',
      '8',
      '--out',
      out,
      '--json',
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.env, 'hotpotqa');
  assert.equal(result.trainTasks, 30);
  assert.equal(result.testTasks, 30);
  assert.deepEqual(
    result.arms.map((a: { algorithm: string }) => a.algorithm),
    ['greedy', 'best-of-n-random', 'majority', 'qguided'],
  );
  for (const arm of result.arms) {
    assert.equal(arm.summary.tasks, 30);
    assert.ok(arm.success.low <= arm.success.mean && arm.success.mean <= arm.success.high);
    assert.ok(arm.summary.llmCalls > 0);
    const lines = readFileSync(join(out, 'eval', arm.algorithm, 'trajectories.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 30);
  }
  assert.ok(result.pairs > 0, 'pairs were built from the collected trees');
  assert.ok(result.collect.nodes > 0);
  assert.equal(readdirSync(join(out, 'collect', 'trees')).length, 30);
  assert.equal(
    readFileSync(join(out, 'pairs.jsonl'), 'utf8').trim().split('\n').length,
    result.pairs,
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
