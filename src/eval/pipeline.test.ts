import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFolds } from './pipeline.js';

test('one fold is the given split', () => {
  assert.deepEqual(makeFolds(['a', 'b'], ['c'], 1, 0), [{ train: ['a', 'b'], test: ['c'] }]);
});

test('K folds test every task exactly once, never on a model trained on it', () => {
  const train = Array.from({ length: 13 }, (_, i) => `tr${i}`);
  const testIds = Array.from({ length: 8 }, (_, i) => `te${i}`);
  const folds = makeFolds(train, testIds, 3, 7);
  assert.equal(folds.length, 3);
  const tested = folds.flatMap((f) => f.test).sort();
  assert.deepEqual(tested, [...train, ...testIds].sort());
  for (const f of folds) {
    const trainSet = new Set(f.train);
    assert.ok(f.test.every((id) => !trainSet.has(id)));
    assert.equal(f.train.length + f.test.length, 21);
    assert.ok(f.test.length >= 7 && f.test.length <= 7);
  }
  assert.deepEqual(makeFolds(train, testIds, 3, 7), folds, 'seeded');
  assert.notDeepEqual(makeFolds(train, testIds, 3, 8), folds);
  assert.throws(() => makeFolds(['a'], ['b'], 3, 0), /more folds than tasks/);
});
