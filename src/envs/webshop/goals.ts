/**
 * `get_goals` (docs/webshop-port.md#goals): human or synthetic goals with a price constraint,
 * then CPython's `random.seed(233); random.shuffle(goals)`, so `fixed_{i}` = goals[i]
 * exactly as in the official env.
 */
import { Rng, seedFrom } from '../../core/rng.js';
import { pyStripChars } from './pyformat.js';
import { officialGoalPermutation } from './pyrandom.js';
import type { Product } from './products.js';

/** A goal option: a plain value (human goals) or a (name, value) pair (synthetic goals' dict). */
export type GoalOption = string | readonly [string, string];

export interface Goal {
  asin: string;
  category: string;
  query: string;
  name: string;
  productCategory: string;
  instructionText: string;
  attributes: string[];
  goalOptions: GoalOption[];
  priceUpper: number;
  weight: number;
}

export const PRICE_RANGE: readonly number[] = Array.from({ length: 99 }, (_, i) => 10 * (i + 1));

/**
 * The price constraint: 2 of the first 4 PRICE_RANGE entries above the hidden price are
 * drawn (Python `random.sample`, unseeded in the official code; a seeded Rng here) and the larger is the bound.
 */
export function drawPriceUpper(price: number, rng: Rng): { priceUpper: number; suffix: string } {
  const cand = PRICE_RANGE.filter((p) => p > price).slice(0, 4);
  if (cand.length < 2) return { priceUpper: 1000000, suffix: '' };
  const i = rng.int(cand.length);
  let j = rng.int(cand.length - 1);
  if (j >= i) j++;
  const priceUpper = cand[Math.max(i, j)] as number;
  return { priceUpper, suffix: `, and price lower than ${priceUpper.toFixed(2)} dollars` };
}

export function humanGoals(products: readonly Product[], rng: Rng): Goal[] {
  const goals: Goal[] = [];
  for (const p of products) {
    for (const ins of p.humanInstructions ?? []) {
      if (ins.instruction_attributes.length === 0) continue;
      const { priceUpper, suffix } = drawPriceUpper(p.hiddenPrice, rng);
      goals.push({
        asin: p.asin,
        category: p.category,
        query: p.query,
        name: p.name,
        productCategory: p.productCategory,
        instructionText: pyStripChars(ins.instruction, '.') + suffix,
        attributes: ins.instruction_attributes,
        goalOptions: ins.instruction_options,
        priceUpper,
        weight: 1,
      });
    }
  }
  return goals;
}

function cartesian(lists: readonly (readonly string[])[]): string[][] {
  let out: string[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

export function syntheticGoals(products: readonly Product[], rng: Rng): Goal[] {
  const goals: Goal[] = [];
  const attrCounts = new Map<string, number>();
  for (const p of products) {
    if (p.instructionText === null || p.instructionText === undefined) continue;
    const attributes = p.instructionAttributes ?? [];
    if (attributes.length === 0) continue; // the official code asserts here
    const { priceUpper, suffix } = drawPriceUpper(p.hiddenPrice, rng);
    const byName = new Map(p.options.map((o) => [o.name, o.values]));
    const names = [...byName.keys()].sort();
    for (const combo of cartesian(names.map((n) => byName.get(n) as string[]))) {
      const pairs = combo.map((v, i) => [names[i] as string, v] as const);
      const optionText = pairs.length
        ? ` with ${pairs.map(([k, v]) => `${k}: ${v}`).join(', and ')}`
        : '';
      goals.push({
        asin: p.asin,
        category: p.category,
        query: p.query,
        name: p.title,
        productCategory: p.productCategory,
        instructionText: `${p.instructionText}${optionText}${suffix}`,
        attributes,
        goalOptions: pairs,
        priceUpper,
        weight: 0,
      });
      for (const a of attributes) attrCounts.set(a, (attrCounts.get(a) ?? 0) + 1);
    }
  }
  for (const g of goals)
    g.weight =
      g.attributes.reduce((s, a) => s + 1 / (attrCounts.get(a) as number), 0) / g.attributes.length;
  return goals;
}

/** Goals in the official `fixed_{i}` order. `seed` drives the price constraints only. */
export function buildGoals(
  products: readonly Product[],
  mode: 'human' | 'synthetic',
  seed: number | string,
): Goal[] {
  const rng = new Rng(seedFrom('webshop-goal-price', seed));
  const goals = mode === 'human' ? humanGoals(products, rng) : syntheticGoals(products, rng);
  return officialGoalPermutation(goals.length).map((i) => goals[i] as Goal);
}
