import { test } from 'node:test';
import assert from 'node:assert/strict';
import { officialGoalPermutation, PyRandom } from './pyrandom.js';

// Vectors from CPython: x = list(range(n)); random.seed(233); random.shuffle(x)
test('the goal shuffle reproduces CPython random.seed(233); random.shuffle', () => {
  assert.deepEqual(officialGoalPermutation(5), [2, 0, 3, 4, 1]);
  assert.deepEqual(officialGoalPermutation(10), [5, 9, 0, 1, 4, 7, 6, 3, 8, 2]);
  const p1000 = officialGoalPermutation(1000);
  assert.deepEqual(
    p1000.slice(0, 12),
    [127, 320, 431, 331, 760, 454, 129, 769, 485, 270, 689, 918],
  );
  assert.deepEqual(p1000.slice(-3), [643, 821, 698]);
  const full = officialGoalPermutation(12087);
  assert.deepEqual(full.slice(0, 8), [8655, 10304, 6940, 2750, 3667, 2144, 3577, 9548]);
  assert.deepEqual(
    [...full].sort((a, b) => a - b),
    Array.from({ length: 12087 }, (_, i) => i),
  );
});

test('randbelow stays in range and getrandbits checks its width', () => {
  const r = new PyRandom(1);
  for (let i = 0; i < 1000; i++) {
    const x = r.randbelow(7);
    assert.ok(x >= 0 && x < 7);
  }
  assert.throws(() => r.getrandbits(33), RangeError);
});
