/**
 * A seeded generator of a WebShop catalogue in the raw file formats (items_shuffle,
 * items_ins_v2, items_human_ins), written for stepq so the env runs without the
 * real data. Products come in families: one brand's product line where the goal's
 * target sits among near-duplicates that differ in one mentioned attribute or
 * variant, in the availability of a requested option, or in the price. Picking the
 * right product and options therefore matters for the reward.
 *
 * Each family draws from its own Rng stream (seed, family index), so the output is
 * identical for the same n and seed, and a larger n extends a smaller one.
 */
import { Rng, seedFrom } from '../../../core/rng.js';
import { PRODUCT_TYPES, type OptionPool, type ProductType } from './product-types.js';
import type { RawHumanInstruction, RawOptionValue, RawProduct, ShopCatalog } from './raw-types.js';
import { normalizeOptionValue } from '../products.js';
import {
  cat,
  goalInstruction,
  lower,
  makeBrand,
  productText,
  syntheticInstruction,
} from './wording.js';

export type { ShopCatalog } from './raw-types.js';

export interface GenerateOptions {
  /** Number of products. */
  n: number;
  seed: number;
}

const ASIN_SPACE = 36 ** 8;
/**
 * ASIN codes walk i -> (offset + i*K) mod 36^8. K is coprime to 36 (odd, not a
 * multiple of 3), so the walk is a bijection and ASINs are unique; K near the
 * golden section of the space scatters neighbours.
 */
const ASIN_STRIDE = 1_743_541_349_431;
const IMAGE_BASE = 'https://example.com/stepq-shop/';

function asinOf(code: number): string {
  return `B0${code.toString(36).toUpperCase().padStart(8, '0')}`;
}

/** Upper-case letters and digits, like MTurk assignment and worker ids. */
function randomId(rng: Rng, length: number): string {
  const parts: string[] = [];
  for (let have = 0; have < length; have += 6)
    parts.push(rng.nextUint32().toString(36).padStart(6, '0').slice(0, 6).toUpperCase());
  return cat(parts).slice(0, length);
}

function pickSome<T>(rng: Rng, items: readonly T[], count: number): T[] {
  return rng.shuffle(items).slice(0, Math.min(count, items.length));
}

/** Keeps pool order, so option lists read naturally (S, M, L...). */
function inPoolOrder(pool: readonly string[], chosen: Iterable<string>): string[] {
  const set = new Set(chosen);
  return pool.filter((v) => set.has(v));
}

function money(x: number): string {
  return '$' + x.toFixed(2);
}

/** The highest price_upper the engine can draw for a hidden price <= maxPrice (docs/webshop-port.md#goals). */
function highestPriceUpper(maxPrice: number): number {
  return Math.floor(maxPrice / 10) * 10 + 40;
}

interface Member {
  variant: string;
  attributes: string[];
  options: Map<string, string[]>;
  /** [low, high]; high === low for a single price. */
  price: [number, number];
  use: string;
  isTarget: boolean;
}

type Mutation = 'variant' | 'attribute' | 'option' | 'price' | 'line';

function drawPrice(rng: Rng, type: ProductType): [number, number] {
  const [lo, hi] = type.price;
  const low = Math.round((lo + rng.next() * (hi - lo)) * 100) / 100 - (rng.chance(0.5) ? 0.01 : 0);
  const base = Math.max(1.99, low);
  if (!rng.chance(type.rangeShare)) return [base, base];
  return [base, Math.round(base * (1.1 + rng.next() * 0.4) * 100) / 100];
}

function drawOptions(rng: Rng, pools: readonly OptionPool[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pool of pools) {
    const k = Math.max(2, pool.values.length - rng.int(Math.max(1, pool.values.length - 1)));
    out.set(pool.name, inPoolOrder(pool.values, pickSome(rng, pool.values, k)));
  }
  return out;
}

/** A near-duplicate of the target that loses on exactly one thing the goal asks for. */
function mutate(
  rng: Rng,
  type: ProductType,
  target: Member,
  kind: Mutation,
  goal: FamilyGoal,
): Member {
  const copy: Member = {
    variant: target.variant,
    attributes: [...target.attributes],
    options: new Map([...target.options].map(([k, v]) => [k, [...v]])),
    price: [...target.price] as [number, number],
    use: rng.pick(type.uses),
    isTarget: false,
  };
  const otherVariants = type.variants.filter((v) => v !== target.variant);
  switch (kind) {
    case 'variant':
      copy.variant = rng.pick(otherVariants);
      break;
    case 'attribute': {
      const dropped = rng.pick(goal.attributes);
      const spare = type.attributes.filter((a) => !target.attributes.includes(a));
      copy.attributes = copy.attributes.filter((a) => a !== dropped);
      if (spare.length) copy.attributes.push(rng.pick(spare));
      break;
    }
    case 'option': {
      const [name, value] = rng.pick(goal.options);
      const pool = type.options.find((p) => p.name === name)!;
      const spare = pool.values.filter((v) => v !== value && !copy.options.get(name)!.includes(v));
      const kept = copy.options.get(name)!.filter((v) => v !== value);
      if (spare.length) kept.push(rng.pick(spare));
      copy.options.set(name, inPoolOrder(pool.values, kept));
      break;
    }
    case 'price': {
      const floor = highestPriceUpper(target.price[1]) + 1;
      const low = Math.round((floor + rng.next() * target.price[1] * 0.8) * 100) / 100;
      copy.price =
        target.price[0] === target.price[1] ? [low, low] : [low, Math.round(low * 1.2 * 100) / 100];
      break;
    }
    case 'line':
      // Another product of the same line: different variant and features, all options.
      copy.variant = rng.pick(otherVariants);
      copy.attributes = pickSome(rng, type.attributes, 2 + rng.int(2));
      copy.options = drawOptions(rng, type.options);
      copy.price = drawPrice(rng, type);
      break;
  }
  return copy;
}

interface FamilyGoal {
  mentionVariant: boolean;
  attributes: string[];
  /** [option name, raw value] pairs the goal asks for. */
  options: Array<[string, string]>;
  mentionBrand: boolean;
}

interface Family {
  type: ProductType;
  brand: string;
  members: Member[];
  goal: FamilyGoal;
  rng: Rng;
}

function buildFamily(seed: number, index: number): Family {
  const rng = new Rng(seedFrom(seed, 'shop-family', index));
  const type = rng.pick(PRODUCT_TYPES);
  const brand = makeBrand(rng);
  const target: Member = {
    variant: rng.pick(type.variants),
    attributes: pickSome(rng, type.attributes, 2 + rng.int(2)),
    options: drawOptions(rng, type.options),
    price: drawPrice(rng, type),
    use: rng.pick(type.uses),
    isTarget: true,
  };
  const goal: FamilyGoal = {
    mentionVariant: rng.chance(0.6),
    attributes: pickSome(rng, target.attributes, 1 + rng.int(2)),
    options: [],
    mentionBrand: rng.chance(0.08),
  };
  for (const [name, values] of target.options) {
    if (rng.chance(0.75)) goal.options.push([name, rng.pick(values)]);
  }
  const kinds: Mutation[] = ['attribute', 'price'];
  if (goal.mentionVariant) kinds.push('variant');
  if (goal.options.length) kinds.push('option');
  const members = [target];
  const size = 3 + rng.int(4);
  const order = rng.shuffle(kinds);
  for (let i = 1; i < size; i++) {
    const kind = i - 1 < order.length ? order[i - 1]! : rng.chance(0.5) ? 'line' : rng.pick(kinds);
    members.push(mutate(rng, type, target, kind, goal));
  }
  return { type, brand, members: rng.shuffle(members), goal, rng };
}

/**
 * Option lists of one family share their value records (one picture per colour of the
 * line), which keeps a million-product catalogue small. Treat the output as read-only.
 */
function rawOptions(
  member: Member,
  family: number,
  shared: Map<string, RawOptionValue>,
): RawProduct['customization_options'] {
  const out: Record<string, RawOptionValue[]> = {};
  for (const [name, values] of member.options) {
    out[name] = values.map((value) => {
      const key = `${name}\u0000${value}`;
      let record = shared.get(key);
      if (!record) {
        record = {
          value,
          image:
            name === 'Color'
              ? cat([IMAGE_BASE, 'line-', String(family), '-', lower(value), '.jpg'])
              : null,
        };
        shared.set(key, record);
      }
      return record;
    });
  }
  return out;
}

const categoryPaths = new Map<ProductType, string>();

function productCategory(type: ProductType): string {
  let path = categoryPaths.get(type);
  if (path === undefined) categoryPaths.set(type, (path = type.path.join(' › ')));
  return path;
}

function pricingString(price: [number, number]): string {
  return price[0] === price[1] ? money(price[0]) : cat([money(price[0]), money(price[1])]);
}

/** Generates n products (and their attributes and goals) deterministically from the seed. */
export function generateShopCatalog({ n, seed }: GenerateOptions): ShopCatalog {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`generateShopCatalog: n must be a whole number >= 0, got ${n}`);
  let asinCode = seedFrom(seed, 'shop-asin') % ASIN_SPACE;
  const workers = new Rng(seedFrom(seed, 'shop-workers'));
  const workerIds = Array.from({ length: 40 }, () => `A${randomId(workers, 12 + workers.int(2))}`);
  const catalog: ShopCatalog = { items: [], insV2: {}, humanIns: {} };
  for (let f = 0; catalog.items.length < n; f++) {
    const family = buildFamily(seed, f);
    const { type, brand, rng } = family;
    const sharedOptions = new Map<string, RawOptionValue>();
    for (const member of family.members) {
      if (catalog.items.length >= n) break;
      const asin = asinOf(asinCode);
      asinCode = (asinCode + ASIN_STRIDE) % ASIN_SPACE;
      const text = productText(rng, type, brand, member.variant, member.attributes, member.use);
      // Rare gaps the real data has too: no price (shown as $100.0), an option list of null.
      const noPrice = !member.isTarget && rng.chance(0.01);
      const noOptions = !member.isTarget && rng.chance(0.01);
      catalog.items.push({
        asin,
        name: text.name,
        full_description: text.description,
        small_description: text.bullets,
        pricing: noPrice ? '' : pricingString(member.price),
        customization_options: noOptions
          ? { Color: null }
          : member.options.size
            ? rawOptions(member, f, sharedOptions)
            : '',
        images: [cat([IMAGE_BASE, asin, '.jpg'])],
        category: type.category,
        query: type.query,
        product_category: productCategory(type),
      });
      const attributes = [lower(member.variant), ...member.attributes];
      catalog.insV2[asin] = { attributes };
      if (rng.chance(0.4)) {
        const asked = pickSome(rng, member.attributes, 2);
        catalog.insV2[asin] = {
          attributes,
          instruction: syntheticInstruction(rng, type, asked),
          instruction_attributes: asked,
        };
      }
      if (member.isTarget)
        catalog.humanIns[asin] = humanInstructions(
          rng,
          family,
          member,
          asin,
          attributes,
          workerIds,
        );
    }
  }
  return catalog;
}

function humanInstructions(
  rng: Rng,
  family: Family,
  target: Member,
  asin: string,
  attributes: string[],
  workerIds: readonly string[],
): RawHumanInstruction[] {
  const { goal, type, brand } = family;
  const options = goal.options.map(([name, value]) => ({
    name: name.toLowerCase(),
    value: normalizeOptionValue(value),
  }));
  const instructionAttributes = goal.mentionVariant
    ? [target.variant.toLowerCase(), ...goal.attributes]
    : [...goal.attributes];
  // Sometimes a second worker wrote an instruction for the same product (as in the real file).
  const count = rng.chance(0.1) ? 2 : 1;
  const out = new Array<RawHumanInstruction>(count);
  for (let i = 0; i < count; i++) {
    out[i] = {
      asin,
      instruction: goalInstruction(rng, type, {
        variant: goal.mentionVariant ? target.variant : undefined,
        attributes: goal.attributes,
        options,
        brand: goal.mentionBrand ? brand : undefined,
      }),
      attributes,
      options: options.length ? options.map((o) => `${o.name}: ${o.value}`) : [''],
      instruction_attributes: instructionAttributes,
      instruction_options: options.map((o) => o.value),
      assignment_id: randomId(rng, 30),
      worker_id: rng.pick(workerIds),
    };
  }
  return out;
}
