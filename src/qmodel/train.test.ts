import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticPairs } from './synthetic.js';
import { splitByTask, trainQModel } from './train.js';
import { DEFAULT_FEATURIZER } from './featurizer.js';
import { loadLearnedQModel, saveQModel } from './store.js';
import { loadQModel } from '../cli/specs.js';
import { UserError } from '../core/errors.js';

const small = {
  hidden: 8,
  featurizer: { ...DEFAULT_FEATURIZER, dimBits: 14 },
  epochs: 12,
  members: 1,
};

test('learns a separable synthetic preference to > 95% held-out pair accuracy', () => {
  const pairs = syntheticPairs({ pairs: 600, tasks: 60, seed: 3 });
  const result = trainQModel(pairs, { ...small, seed: 1 });
  const best = result.history[result.bestEpoch - 1];
  assert.ok(
    best && best.heldOutAccuracy !== null && best.heldOutAccuracy > 0.95,
    `held-out accuracy ${best?.heldOutAccuracy}`,
  );
  assert.ok(
    (best.heldOutLoss as number) < result.history[0]!.heldOutLoss! || result.bestEpoch === 1,
  );
  assert.equal(result.counts.trainPairs + result.counts.heldOutPairs, 600);
  assert.equal(result.counts.heldOutTasks, 12);
});

test('training is deterministic for a seed and differs across seeds', () => {
  const pairs = syntheticPairs({ pairs: 120, tasks: 12, seed: 4 });
  const a = trainQModel(pairs, { ...small, epochs: 3, seed: 9 });
  const b = trainQModel(pairs, { ...small, epochs: 3, seed: 9 });
  const c = trainQModel(pairs, { ...small, epochs: 3, seed: 10 });
  assert.deepEqual(Buffer.from(a.model.net.params.buffer), Buffer.from(b.model.net.params.buffer));
  assert.deepEqual(
    a.history.map((h) => h.loss),
    b.history.map((h) => h.loss),
  );
  assert.notDeepEqual(
    Buffer.from(a.model.net.params.buffer),
    Buffer.from(c.model.net.params.buffer),
  );
});

test('the held-out split is by task, seeded, and never shares a task with training', () => {
  const pairs = syntheticPairs({ pairs: 100, tasks: 20, seed: 5 });
  const s1 = splitByTask(pairs, 0.25, 1);
  const s2 = splitByTask(pairs, 0.25, 1);
  const trainTasks = new Set(s1.train.map((p) => p.taskId));
  assert.equal(new Set(s1.heldOut.map((p) => p.taskId)).size, 5);
  assert.ok(s1.heldOut.every((p) => !trainTasks.has(p.taskId)));
  assert.deepEqual(s1.heldOut, s2.heldOut);
  assert.notDeepEqual(
    splitByTask(pairs, 0.25, 2).heldOut.map((p) => p.taskId),
    s1.heldOut.map((p) => p.taskId),
  );
  assert.throws(
    () =>
      splitByTask(
        pairs.filter((p) => p.taskId === 't0'),
        0.2,
        1,
      ),
    UserError,
  );
  assert.equal(splitByTask(pairs, 0, 1).heldOut.length, 0);
});

test('early stopping keeps the best held-out epoch when labels are noise', () => {
  const pairs = syntheticPairs({ pairs: 300, tasks: 30, seed: 6, noise: 0.5 });
  const result = trainQModel(pairs, { ...small, epochs: 40, patience: 2, minDelta: 0, seed: 0 });
  assert.ok(result.stoppedEarly, `ran all ${result.history.length} epochs`);
  const heldLosses = result.history.map((h) => h.heldOutLoss as number);
  assert.equal(Math.min(...heldLosses), heldLosses[result.bestEpoch - 1]);
  assert.equal(result.history.length, result.bestEpoch + 2);
});

test('save/load round trip gives identical scores, through loadQModel too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-qmodel-'));
  try {
    const pairs = syntheticPairs({ pairs: 80, tasks: 8, seed: 8 });
    const result = trainQModel(pairs, { ...small, epochs: 2 });
    saveQModel(dir, result);
    const t0 = performance.now();
    const loaded = loadLearnedQModel(dir);
    const loadMs = performance.now() - t0;
    assert.ok(loadMs < 500, `load took ${loadMs} ms`);
    const viaSpec = await loadQModel(dir);
    for (const p of pairs.slice(0, 10)) {
      const expected = await result.model.score(p.context, [p.chosen, p.rejected]);
      assert.deepEqual(await loaded.score(p.context, [p.chosen, p.rejected]), expected);
      assert.deepEqual(await viaSpec.score(p.context, [p.chosen, p.rejected]), expected);
    }
    // A damaged weights file is a user error that names the file.
    truncateSync(join(dir, 'weights.bin'), 100);
    assert.throws(
      () => loadLearnedQModel(dir),
      (e: unknown) => e instanceof UserError && /weights\.bin: 100 bytes/.test(e.message),
    );
    writeFileSync(join(dir, 'model.json'), '{"format":"something-else"}');
    assert.throws(
      () => loadLearnedQModel(dir),
      (e: unknown) => e instanceof UserError && /model\.json: field format/.test(e.message),
    );
    await assert.rejects(loadQModel(join(dir, 'missing')), /no such folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad options are user errors, not stack traces', () => {
  const pairs = syntheticPairs({ pairs: 40, tasks: 4, seed: 2 });
  assert.throws(
    () => trainQModel(pairs, { ...small, lr: -1 }),
    (e: unknown) =>
      e instanceof UserError && /options\.lr -1: must be a number > 0/.test(e.message),
  );
  assert.throws(
    () => trainQModel([], small),
    (e: unknown) => e instanceof UserError && /no preference pairs/.test(e.message),
  );
  assert.throws(
    () => trainQModel(pairs, { ...small, holdout: 1 }),
    (e: unknown) =>
      e instanceof UserError &&
      /options\.holdout 1: must be a number in \[0, 0\.95\]/.test(e.message),
  );
});

test('a model with a NaN weight refuses to load; DIR/model.json names its folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-qmodel-nan-'));
  try {
    const pairs = syntheticPairs({ pairs: 40, tasks: 4, seed: 2 });
    const result = trainQModel(pairs, { ...small, epochs: 2, holdout: 0 });
    saveQModel(dir, result);
    const viaFile = await loadQModel(join(dir, 'model.json'));
    const p = pairs[0]!;
    assert.deepEqual(
      await viaFile.score(p.context, [p.chosen, p.rejected]),
      await result.model.score(p.context, [p.chosen, p.rejected]),
    );
    const weights = join(dir, 'weights.bin');
    const bytes = readFileSync(weights);
    bytes.writeFloatLE(Number.NaN, 4 * 7);
    writeFileSync(weights, bytes);
    await assert.rejects(
      loadQModel(dir),
      (e: unknown) =>
        e instanceof UserError &&
        /weights\.bin: weight 7 is NaN \(not a finite number\)/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
