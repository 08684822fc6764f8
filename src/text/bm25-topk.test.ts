import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25Index } from './bm25.js';
import { Rng } from '../core/rng.js';

// The top-k heap must return exactly the head of the full ranking (score desc, id asc),
// also with float32 scores and many exact ties (short documents over a tiny vocabulary).
test('top-k equals the head of the full ranking, with float32 ties broken by id', () => {
  const rng = new Rng(11);
  for (const float32 of [true, false]) {
    const idx = new Bm25Index({
      k1: 0.9,
      b: 0.4,
      float32,
      scoredLength: (n) => (n < 24 ? n : 24 + ((n - 24) & ~3)),
    });
    const n = 3000;
    for (let d = 0; d < n; d++) {
      const terms = Array.from({ length: 1 + rng.int(4) }, () => `t${rng.int(6)}`);
      idx.add(`doc${String((d * 7919) % 10007).padStart(5, '0')}`, terms);
    }
    for (let q = 0; q < 30; q++) {
      const query = Array.from({ length: 1 + rng.int(3) }, () => `t${rng.int(7)}`);
      const all = idx.search(query, n);
      for (let i = 1; i < all.length; i++) {
        const a = all[i - 1]!;
        const b = all[i]!;
        assert.ok(a.score > b.score || (a.score === b.score && a.id < b.id), `order at ${i}`);
      }
      const k = 1 + rng.int(60);
      assert.deepEqual(idx.search(query, k), all.slice(0, k));
    }
  }
});
