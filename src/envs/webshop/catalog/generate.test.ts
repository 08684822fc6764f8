import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateShopCatalog } from './generate.js';
import { PRODUCT_TYPES } from './product-types.js';
import { rawHumanInsSchema, rawInsV2Schema, rawItemSchema } from '../raw-schema.js';
import { loadProductsFromValues, type Product } from '../products.js';
import { buildGoals } from '../goals.js';
import { getReward } from '../reward.js';
import { tokenSetRatio } from '../fuzz.js';
import { normalizeColor } from '../normalize.js';

test('same n and seed give identical output; a larger n extends a smaller one', () => {
  const a = generateShopCatalog({ n: 300, seed: 7 });
  const b = generateShopCatalog({ n: 300, seed: 7 });
  assert.deepEqual(a, b);
  const c = generateShopCatalog({ n: 300, seed: 8 });
  assert.notDeepEqual(
    a.items.map((i) => i.name),
    c.items.map((i) => i.name),
  );
  const bigger = generateShopCatalog({ n: 600, seed: 7 });
  assert.deepEqual(bigger.items.slice(0, 300), a.items);
  assert.equal(generateShopCatalog({ n: 0, seed: 1 }).items.length, 0);
});

test('the raw data passes the loader schemas and loads with human goals', () => {
  const cat = generateShopCatalog({ n: 500, seed: 3 });
  assert.equal(cat.items.length, 500);
  const asins = new Set(cat.items.map((i) => i.asin));
  assert.equal(asins.size, 500, 'ASINs are unique');
  for (const item of cat.items) {
    assert.match(item.asin, /^B0[0-9A-Z]{8}$/);
    assert.ok(rawItemSchema.safeParse(item).success, item.asin);
    assert.ok(item.product_category.includes(' › '));
    assert.ok(rawInsV2Schema.safeParse(cat.insV2[item.asin]).success);
  }
  assert.ok(
    cat.items.some((i) => /^\$[\d.]+\$[\d.]+$/.test(i.pricing)),
    'some products are priced as a range',
  );
  for (const [asin, list] of Object.entries(cat.humanIns)) {
    assert.ok(asins.has(asin));
    assert.ok(rawHumanInsSchema.safeParse(list).success);
    for (const ins of list) {
      assert.ok(ins.instruction_attributes.length > 0);
      assert.doesNotMatch(ins.instruction, /dollars/, 'the engine adds the price suffix');
    }
  }
  const products = loadProductsFromValues(cat, { goals: 'human', priceSeed: 0 });
  assert.equal(products.length, 500);
  const goals = buildGoals(products, 'human', 0);
  assert.ok(goals.length >= 80, `expected ~one goal per 4-5 products, got ${goals.length}`);
  assert.ok(new Set(products.map((p) => p.category)).size >= 5, 'several categories');
});

/** The best reward a product can give for a goal, over every choice of its options. */
function bestReward(product: Product, goal: ReturnType<typeof buildGoals>[number]): number {
  let choices: Array<Record<string, string>> = [{}];
  for (const option of product.options) {
    choices = choices.flatMap((c) => option.values.map((v) => ({ ...c, [option.name]: v })));
  }
  const purchased = { ...product, productCategory: product.productCategory };
  return Math.max(...choices.map((c) => getReward(purchased, goal, product.hiddenPrice, c).reward));
}

test('every goal target can score 1 and sits among near-duplicates that score less', () => {
  const cat = generateShopCatalog({ n: 400, seed: 11 });
  const products = loadProductsFromValues(cat, { goals: 'human', priceSeed: 5 });
  const byAsin = new Map(products.map((p) => [p.asin, p]));
  const goals = buildGoals(products, 'human', 5);
  let withNearDuplicate = 0;
  for (const goal of goals) {
    const target = byAsin.get(goal.asin)!;
    assert.equal(bestReward(target, goal), 1, `${goal.asin}: ${goal.instructionText}`);
    const brand = target.name.split(' ')[0];
    const siblings = products.filter(
      (p) => p !== target && p.query === target.query && p.name.split(' ')[0] === brand,
    );
    const scores = siblings.map((p) => bestReward(p, goal));
    if (scores.some((s) => s >= 0.5 && s < 1)) withNearDuplicate++;
  }
  assert.ok(
    withNearDuplicate >= 0.9 * goals.length,
    `${withNearDuplicate} of ${goals.length} goals have a near-duplicate`,
  );
});

test('the reward can tell apart the values within each option pool and attribute pool', () => {
  for (const type of PRODUCT_TYPES) {
    for (const pool of type.options) {
      const values = pool.values.map((v) => v.toLowerCase());
      for (const a of values) {
        for (const b of values) {
          if (a === b) continue;
          const score = tokenSetRatio(normalizeColor(a) as string, normalizeColor(b) as string);
          assert.ok(score <= 85, `${type.noun} ${pool.name}: "${a}" ~ "${b}" (${score})`);
        }
      }
    }
    const attributes = [...type.attributes, ...type.variants.map((v) => v.toLowerCase())];
    for (const a of attributes) {
      for (const b of attributes) {
        if (a === b) continue;
        assert.ok(tokenSetRatio(a, b) <= 85, `${type.noun}: "${a}" ~ "${b}"`);
        assert.ok(!b.includes(a), `${type.noun}: "${a}" is inside "${b}"`);
      }
    }
  }
});
