import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentText, luceneQuantizedLength, resultsPage, SearchEngine } from './search.js';
import type { Product } from './products.js';

function product(asin: string, title: string, extra: Partial<Product> = {}): Product {
  return {
    asin,
    name: title,
    title,
    description: '',
    bulletPoints: [''],
    priceTag: '$1.0',
    pricing: [1],
    hiddenPrice: 1,
    options: [],
    attributes: [],
    category: 'c',
    query: 'q',
    productCategory: 'p',
    mainImage: '',
    ...extra,
  };
}

// SmallFloat.intToByte4: exact below 24, then 24 + x with x's 4 leading bits kept (x = 9 -> 9, 23 -> 22, 76 -> 72, 976 -> 960).
test('Lucene one-byte length quantisation', () => {
  assert.deepEqual(
    [0, 1, 23, 24, 31, 32, 33, 39, 40, 47, 48, 100, 1000].map(luceneQuantizedLength),
    [0, 1, 23, 24, 31, 32, 33, 39, 40, 46, 48, 96, 984],
  );
});

test('document text joins title, description, first bullet and option text, lower-cased', () => {
  const p = product('B1', 'Red Shoe', {
    description: 'Nice',
    bulletPoints: ['First', 'Second'],
    options: [
      { name: 'color', values: ['red', 'blue'] },
      { name: 'size', values: ['9'] },
    ],
  });
  assert.equal(documentText(p), 'red shoe nice first color: red, blue, and size: 9');
});

test('BM25 ranking: relevant first, boosts, ties by ASIN, stop-word queries find nothing', () => {
  const engine = new SearchEngine([
    product('B3', 'blue running shoes'),
    product('B2', 'red running shoes'),
    product('B1', 'red running shoes'),
    product('B4', 'green tea bags'),
    product('B5', 'red red red dress with a long description of many many words to make it long'),
  ]);
  assert.deepEqual(
    engine
      .bm25('red running shoes')
      .map((p) => p.asin)
      .slice(0, 3),
    ['B1', 'B2', 'B3'],
  );
  assert.deepEqual(
    engine.bm25('tea').map((p) => p.asin),
    ['B4'],
  );
  assert.deepEqual(engine.bm25('the and of'), []);
  // A repeated query term weighs more: "red red dress" prefers the red dress over red shoes.
  assert.equal(engine.bm25('red red dress')[0]?.asin, 'B5');
});

test('top 50, 10 per page, special keywords', () => {
  const many = Array.from({ length: 120 }, (_, i) =>
    product(`B${String(i).padStart(3, '0')}`, `widget model ${i}`, {
      category: i % 2 ? 'odd' : 'even',
      query: `q${i % 3}`,
      attributes: i < 5 ? ['shiny'] : [],
    }),
  );
  const engine = new SearchEngine(many);
  const results = engine.results(['widget'], 1);
  assert.equal(results.length, 50);
  assert.deepEqual(
    results.slice(0, 3).map((p) => p.asin),
    ['B000', 'B001', 'B002'],
    'equal scores -> ASIN order',
  );
  assert.equal(resultsPage(results, 5).length, 10);
  assert.equal(resultsPage(results, 6).length, 0);
  const random = engine.results(['<r>'], 7);
  assert.equal(random.length, 50);
  assert.equal(new Set(random.map((p) => p.asin)).size, 50);
  assert.deepEqual(engine.results(['<r>'], 7), random, 'the same seed gives the same random page');
  assert.notDeepEqual(
    engine.results(['<r>'], 8).map((p) => p.asin),
    random.map((p) => p.asin),
  );
  assert.equal(engine.results(['<c>', 'odd'], 1).length, 60);
  assert.equal(engine.results(['<q>', 'q1'], 1).length, 40);
  assert.deepEqual(
    engine.results(['<a>', 'shiny'], 1).map((p) => p.asin),
    ['B000', 'B001', 'B002', 'B003', 'B004'],
  );
});
