import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, sharedData, skipUnlessShared } from '../../testing/shared.js';
import { UserError } from '../../core/errors.js';
import { forEachJsonEntry } from './json-stream.js';
import { findOfficialFiles, loadProductsFromFiles } from './files.js';
import {
  humanInsTable,
  insV2Table,
  loadProductsFromValues,
  normalizeOptionValue,
  parsePricing,
} from './products.js';
import { pyFloat, pyStrip, pyStripChars } from './pyformat.js';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const folder = fixture('webshop/folder');

test('pyFloat prints numbers like Python str(float)', () => {
  assert.deepEqual([877.8, 34, 0.5, 1e-5, 1.5e16, 0.0001, 1 / 3, 100, 1e22].map(pyFloat), [
    '877.8',
    '34.0',
    '0.5',
    '1e-05',
    '1.5e+16',
    '0.0001',
    '0.3333333333333333',
    '100.0',
    '1e+22',
  ]);
  assert.equal(pyStrip(' \u00a0ab c\u3000\n'), 'ab c');
  assert.equal(pyStripChars('..i want tea..', '.'), 'i want tea');
});

test("pyStrip strips exactly Python's str.isspace() characters (every BMP code unit)", () => {
  // Python: [hex(c) for c in range(0x10000) if chr(c).isspace()]
  const spaces = [0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680];
  for (let c = 0x2000; c <= 0x200a; c++) spaces.push(c);
  spaces.push(0x2028, 0x2029, 0x202f, 0x205f, 0x3000);
  const space = { test: (ch: string) => spaces.includes(ch.charCodeAt(0)) };
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    const padded = `${ch}${ch}a b${ch}`;
    assert.equal(pyStrip(padded), space.test(ch) ? 'a b' : padded);
  }
  assert.equal(pyStrip(''), '');
  assert.equal(pyStrip(' \t '), '');
});

test('prices: single, range, missing, formatting and malformed pieces', () => {
  assert.deepEqual(parsePricing('$877.80'), { pricing: [877.8], priceTag: '$877.8' });
  assert.deepEqual(parsePricing('$34.00'), { pricing: [34], priceTag: '$34.0' });
  assert.deepEqual(parsePricing('$19.99$27.99'), {
    pricing: [19.99, 27.99],
    priceTag: '$19.99 to $27.99',
  });
  assert.deepEqual(parsePricing('$1,299.00 - $1,499.50 $2'), {
    pricing: [1299, 1499.5],
    priceTag: '$1299.0 to $1499.5',
  });
  assert.deepEqual(parsePricing(''), { pricing: [100], priceTag: '$100.0' });
  assert.deepEqual(parsePricing(null), { pricing: [100], priceTag: '$100.0' });
  assert.throws(() => parsePricing('$abc'), /cannot read the price/);
  assert.throws(() => parsePricing('$1.2.3'), /cannot read the price/);
  assert.throws(() => parsePricing('12.00'), /no "\$" price/);
});

test('option values are trimmed, / becomes " | ", lower-cased', () => {
  assert.equal(normalizeOptionValue(' Navy Blue/White '), 'navy blue | white');
  assert.equal(normalizeOptionValue('Black  / Clear Glass'), 'black   |  clear glass');
});

test('load_products: skips, duplicates, options, attributes, DUMMY_ATTR, bullets, query', () => {
  const products = loadProductsFromFiles(findOfficialFiles(folder), {
    goals: 'human',
    priceSeed: 1,
  });
  assert.deepEqual(
    products.map((p) => p.asin),
    ['B000TEST01', 'B000TEST02', 'B000TEST03', 'B000TEST05'],
  );
  const [shoe, trail, tea, table] = products as [any, any, any, any];
  assert.deepEqual(shoe.options, [
    { name: 'color', values: ['red', 'navy blue | white'] },
    { name: 'size', values: ['9', '10'] },
  ]);
  assert.equal(shoe.query, "men's running shoes");
  assert.deepEqual(shoe.attributes, ['rubber sole', 'lightweight']);
  assert.equal(shoe.humanInstructions.length, 2);
  assert.deepEqual(trail.attributes, [], 'an empty attribute list stays empty');
  assert.equal(trail.priceTag, '$19.99 to $27.99');
  assert.ok(trail.hiddenPrice >= 19.99 && trail.hiddenPrice <= 27.99);
  assert.equal(trail.mainImage, '');
  assert.deepEqual(tea.bulletPoints, ['Single string bullet']);
  assert.equal(tea.priceTag, '$100.0');
  assert.deepEqual(table.attributes, ['DUMMY_ATTR']);
  const again = loadProductsFromFiles(findOfficialFiles(folder), { goals: 'human', priceSeed: 1 });
  assert.equal(again[1]?.hiddenPrice, trail.hiddenPrice, 'the hidden range price is seeded');
  const limited = loadProductsFromFiles(findOfficialFiles(folder), {
    goals: 'synthetic',
    priceSeed: 1,
    numProducts: 2,
  });
  assert.deepEqual(
    limited.map((p) => p.asin),
    ['B000TEST01', 'B000TEST02'],
  );
  assert.equal(limited[0]?.instructionText, 'Find me lightweight running shoes with rubber sole');
});

test('parsed values and files go through the same normalisation', () => {
  const raw = {
    items: JSON.parse(readFileSync(join(folder, 'items_shuffle_1000.json'), 'utf8')) as unknown[],
    insV2: JSON.parse(readFileSync(join(folder, 'items_ins_v2_1000.json'), 'utf8')) as Record<
      string,
      unknown
    >,
    humanIns: JSON.parse(readFileSync(join(folder, 'items_human_ins.json'), 'utf8')) as Record<
      string,
      unknown
    >,
  };
  const fromValues = loadProductsFromValues(raw, { goals: 'human', priceSeed: 1 });
  const fromFiles = loadProductsFromFiles(findOfficialFiles(folder), {
    goals: 'human',
    priceSeed: 1,
  });
  assert.deepEqual(fromValues, fromFiles);
});

test('bad records give a UserError naming file, line, record and field', () => {
  assert.throws(
    () =>
      loadProductsFromFiles(findOfficialFiles(fixture('webshop/bad')), {
        goals: 'human',
        priceSeed: 1,
      }),
    (err: unknown) =>
      err instanceof UserError &&
      /items_shuffle\.json: line 3, record 1: field name: /.test(err.message),
  );
  assert.throws(
    () =>
      loadProductsFromFiles(findOfficialFiles(fixture('webshop/badprice')), {
        goals: 'human',
        priceSeed: 1,
      }),
    (err: unknown) =>
      err instanceof UserError &&
      /record 0 \(B0BADPRICE\): field pricing: cannot read the price "abc"/.test(err.message),
  );
  assert.throws(() => findOfficialFiles(fixture('webshop/nowhere')), UserError);
  assert.throws(() => findOfficialFiles(fixture('webshop')), /no items_shuffle/);
});

test('the JSON streamer reads entries across chunk boundaries and reports syntax errors by record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-ws-'));
  try {
    const big = Array.from({ length: 300 }, (_, i) => ({
      i,
      text: `x"[{,}]\\ ${'y'.repeat(i % 50)} é`,
    }));
    const file = join(dir, 'big.json');
    writeFileSync(file, JSON.stringify(big, null, 1));
    const seen: unknown[] = [];
    const count = forEachJsonEntry(file, 'array', (e) => seen.push(e.value), 7);
    assert.equal(count, 300);
    assert.deepEqual(seen, big);
    const obj = join(dir, 'obj.json');
    writeFileSync(obj, '{\n "a": [1, 2],\n "b": {"c": "}"}\n}');
    const entries: Array<[string | undefined, unknown, number]> = [];
    forEachJsonEntry(obj, 'object', (e) => entries.push([e.key, e.value, e.line]));
    assert.deepEqual(entries, [
      ['a', [1, 2], 2],
      ['b', { c: '}' }, 3],
    ]);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[\n{"a": 1},\n{"a": tru}\n]');
    assert.throws(
      () => forEachJsonEntry(broken, 'array', () => {}),
      /line 3, record 1: not valid JSON/,
    );
    writeFileSync(broken, '[{"a": 1}');
    assert.throws(() => forEachJsonEntry(broken, 'array', () => {}), /not closed/);
    assert.throws(() => forEachJsonEntry(obj, 'array', () => {}), /expected a JSON array/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'the 10 real sample products normalise as the spec describes',
  { skip: skipUnlessShared('webshop/items_sample.json') },
  () => {
    const items = JSON.parse(
      readFileSync(sharedData('webshop/items_sample.json') as string, 'utf8'),
    ) as unknown[];
    const insV2 = JSON.parse(
      readFileSync(sharedData('webshop/items_ins_v2_1000.json') as string, 'utf8'),
    ) as Record<string, unknown>;
    const products = loadProductsFromValues({ items, insV2 }, { goals: 'synthetic', priceSeed: 1 });
    assert.equal(products.length, 10);
    const byAsin = new Map(products.map((p) => [p.asin, p]));
    assert.equal(byAsin.get('B06Y3VLDFB')?.priceTag, '$877.8');
    assert.equal(byAsin.get('B08R3XSC65')?.priceTag, '$100.0');
    assert.equal(byAsin.get('B08ZRR3DZT')?.priceTag, '$19.99 to $27.99');
    assert.deepEqual(byAsin.get('B09DG92LJL')?.options, [], 'a null option list is skipped');
    assert.deepEqual(byAsin.get('B08R3XSC65')?.attributes, []);
  },
);

test(
  'the real items_ins_v2 and items_human_ins formats validate',
  { skip: skipUnlessShared('webshop/human_ins_sample.json') },
  () => {
    const human = JSON.parse(
      readFileSync(sharedData('webshop/human_ins_sample.json') as string, 'utf8'),
    ) as Record<string, unknown>;
    const insV2 = JSON.parse(
      readFileSync(sharedData('webshop/items_ins_v2_1000.json') as string, 'utf8'),
    ) as Record<string, unknown>;
    const table = humanInsTable(
      Object.entries(human).map(
        ([k, v], index) =>
          [k, v, { source: 'human_ins_sample.json', index, key: k }] as [
            string,
            unknown,
            { source: string; index: number; key: string },
          ],
      ),
    );
    assert.equal(table.size, 31);
    assert.equal(
      [...table.values()].reduce((n, list) => n + list.length, 0),
      38,
    );
    const ins = insV2Table(
      Object.entries(insV2).map(
        ([k, v], index) =>
          [k, v, { source: 'items_ins_v2_1000.json', index, key: k }] as [
            string,
            unknown,
            { source: string; index: number; key: string },
          ],
      ),
    );
    assert.equal(ins.size, 1000);
    assert.equal([...ins.values()].filter((r) => typeof r.instruction === 'string').length, 415);
  },
);
