/**
 * WebShop edge cases against the official Python code's own behaviour. The expected values in
 * test/fixtures/webshop/python-edge-cases.json were computed once with CPython 3.11.7
 * (Unicode 14): `repr()` of each string, `str.strip()` of each category level, and
 * `normalize_color_size` run with Python's `re` and `str.isdigit` over this port's own
 * COLOR_SET and SIZE_PATTERNS. Python is not needed to run the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../../testing/shared.js';
import { pythonStrRepr } from '../../text/python-repr.js';
import { normalizeColorSize } from './normalize.js';
import { typeReward } from './reward.js';

interface Expected {
  repr: Array<[string, string]>;
  category: Array<[string, string, boolean]>;
  colorSize: {
    keys: Array<[number, string, string]>;
    colorMapping: Record<string, string>;
    sizeMapping: Record<string, string>;
  };
}
const expected = JSON.parse(
  readFileSync(fixture('webshop/python-edge-cases.json'), 'utf8'),
) as Expected;

test("pythonStrRepr escapes what Python's repr escapes (str.isprintable)", () => {
  for (const [s, repr] of expected.repr) assert.equal(pythonStrRepr(s), repr, JSON.stringify(s));
});

test('category levels are stripped like Python (not JS trim)', () => {
  for (const [purchased, goal, match] of expected.category) {
    const r = typeReward(
      { query: 'q', productCategory: purchased, name: 'red shoe' },
      { query: 'other', productCategory: goal, name: 'red shoe' },
    );
    assert.equal(r.categoryMatch, match, JSON.stringify([purchased, goal]));
  }
});

test('normalize_color_size: keys lower-cased, size rules as Python re and isdigit', () => {
  const { colorMapping, sizeMapping } = normalizeColorSize(expected.colorSize.keys);
  assert.deepEqual(colorMapping, expected.colorSize.colorMapping);
  assert.deepEqual(sizeMapping, expected.colorSize.sizeMapping);
});
