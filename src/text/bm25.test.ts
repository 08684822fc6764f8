import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25Index } from './bm25.js';

test('ranks by BM25, boosts repeated query terms, breaks ties by id', () => {
  const idx = new Bm25Index({ k1: 0.9, b: 0.4 });
  idx.add('b', ['red', 'shoe']);
  idx.add('a', ['red', 'shoe']);
  idx.add('c', ['blue', 'shoe', 'shoe']);
  idx.add('d', ['hat']);
  const hits = idx.search(['red'], 10);
  assert.deepEqual(
    hits.map((h) => h.id),
    ['a', 'b'],
  );
  const shoe = idx.search(['shoe', 'shoe'], 10);
  assert.equal(shoe[0]?.id, 'c');
  assert.ok(Math.abs((shoe[1]?.score ?? 0) * 1 - 2 * idx.search(['shoe'], 10)[1]!.score) < 1e-9);
  assert.deepEqual(idx.search(['nothing'], 10), []);
});

test('top-k with a heap agrees with a full sort', () => {
  const idx = new Bm25Index({ k1: 1.2, b: 0.75 });
  for (let i = 0; i < 500; i++)
    idx.add(`d${String(i).padStart(3, '0')}`, [
      'x',
      ...Array(i % 7).fill('y'),
      ...(i % 3 ? ['z'] : []),
    ]);
  const all = idx.search(['x', 'y', 'z'], 500);
  const top = idx.search(['x', 'y', 'z'], 20);
  assert.deepEqual(top, all.slice(0, 20));
});
