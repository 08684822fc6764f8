/**
 * `load_products`: raw WebShop items -> the normalised products the pages, the search
 * index and the reward read (docs/webshop-port.md#products). Works on parsed values, so files and
 * the built-in generator share this one code path.
 */
import { Rng, seedFrom } from '../../core/rng.js';
import { UserError } from '../../core/errors.js';
import { formatPath } from '../../core/validate.js';
import { pyFloat, pyStrip } from './pyformat.js';
import {
  rawHumanInsSchema,
  rawInsV2Schema,
  rawItemSchema,
  type RawHumanInstruction,
  type RawInsV2,
} from './raw-schema.js';
import type { z } from 'zod';

export interface ProductOption {
  /** Lower-cased option name, e.g. `color`. */
  name: string;
  /** Normalised values in page order: trimmed, `/` -> ` | `, lower-cased. */
  values: string[];
}

export interface Product {
  asin: string;
  /** The raw `name` (the goal's and the type reward's "name"). */
  name: string;
  title: string;
  description: string;
  bulletPoints: string[];
  /** What the pages show: `$877.8`, `$19.99 to $27.99`, `$100.0`. */
  priceTag: string;
  /** One price, or the first two of a range. */
  pricing: number[];
  /** The price the reward uses: a range's value is drawn once from a seeded Rng (official: unseeded). */
  hiddenPrice: number;
  options: ProductOption[];
  attributes: string[];
  category: string;
  /** Lower-cased and trimmed. */
  query: string;
  productCategory: string;
  mainImage: string;
  /** Human mode: the product's entries of items_human_ins. */
  humanInstructions?: RawHumanInstruction[];
  /** Synthetic mode: from items_ins_v2. */
  instructionText?: string | null;
  instructionAttributes?: string[] | null;
}

export type GoalMode = 'human' | 'synthetic';

export interface LoadOptions {
  goals: GoalMode;
  /** Keep only the first N raw items (`num_products`). */
  numProducts?: number;
  /** Seed of the hidden-price draws for range-priced products. */
  priceSeed: number | string;
}

/** Where a raw record came from, for error messages. */
export interface RecordOrigin {
  source: string;
  index: number;
  line?: number;
  key?: string;
}

function where(origin: RecordOrigin): string {
  const line = origin.line !== undefined ? `line ${origin.line}, ` : '';
  const key = origin.key !== undefined ? ` (${origin.key})` : '';
  return `${origin.source}: ${line}record ${origin.index}${key}`;
}

export function validateRecord<T extends z.ZodType>(
  schema: T,
  value: unknown,
  origin: RecordOrigin,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new UserError(
      `${where(origin)}: field ${first ? `${formatPath(first.path)}: ${first.message}` : 'invalid'}`,
    );
  }
  return result.data;
}

/** Parses `pricing` as load_products does; throws an Error (message only) on a malformed piece. */
export function parsePricing(pricing: string | null | undefined): {
  pricing: number[];
  priceTag: string;
} {
  if (!pricing) return { pricing: [100.0], priceTag: '$100.0' };
  const pieces = pricing.split('$').slice(1);
  const numbers = pieces.map((piece) => {
    const kept = piece.replace(/[^0-9.]/g, '');
    const value = /^(?:\d+\.?\d*|\.\d+)$/.test(kept) ? Number(kept) : NaN;
    if (!Number.isFinite(value))
      throw new Error(`cannot read the price "${piece}" in "${pricing}"`);
    return value;
  });
  if (numbers.length === 0) throw new Error(`no "$" price in "${pricing}"`);
  if (numbers.length === 1)
    return { pricing: numbers, priceTag: `$${pyFloat(numbers[0] as number)}` };
  const [a, b] = numbers as [number, number];
  return { pricing: [a, b], priceTag: `$${pyFloat(a)} to $${pyFloat(b)}` };
}

/** `value.strip().replace('/', ' | ').lower()`. */
export function normalizeOptionValue(value: string): string {
  return pyStrip(value).replaceAll('/', ' | ').toLowerCase();
}

/** Incremental load_products over raw items, given the attribute and human-instruction tables. */
export class ProductBuilder {
  readonly products: Product[] = [];
  private readonly seen = new Set<string>();
  private readonly priceRng: Rng;
  private rawCount = 0;

  constructor(
    private readonly insV2: ReadonlyMap<string, RawInsV2>,
    private readonly humanIns: ReadonlyMap<string, RawHumanInstruction[]> | undefined,
    private readonly options: LoadOptions,
  ) {
    this.priceRng = new Rng(seedFrom('webshop-hidden-price', options.priceSeed));
  }

  /** False once `numProducts` raw items have been seen (the caller may stop reading). */
  get wantsMore(): boolean {
    return this.options.numProducts === undefined || this.rawCount < this.options.numProducts;
  }

  add(value: unknown, origin: RecordOrigin): void {
    if (!this.wantsMore) return;
    this.rawCount++;
    const raw = validateRecord(rawItemSchema, value, origin);
    const asin = raw.asin;
    if (asin === 'nan' || asin.length > 10 || this.seen.has(asin)) return;
    this.seen.add(asin);
    let parsed: { pricing: number[]; priceTag: string };
    try {
      parsed = parsePricing(raw.pricing);
    } catch (err) {
      throw new UserError(
        `${where({ ...origin, key: asin })}: field pricing: ${(err as Error).message}`,
      );
    }
    const options = new Map<string, string[]>();
    if (raw.customization_options) {
      for (const [name, contents] of Object.entries(raw.customization_options)) {
        if (contents === null) continue;
        options.set(
          name.toLowerCase(),
          contents.map((c) => normalizeOptionValue(c.value)),
        );
      }
    }
    const ins = this.insV2.get(asin);
    const product: Product = {
      asin,
      name: raw.name,
      title: raw.name,
      description: raw.full_description,
      bulletPoints: Array.isArray(raw.small_description)
        ? raw.small_description
        : [raw.small_description],
      priceTag: parsed.priceTag,
      pricing: parsed.pricing,
      hiddenPrice: this.hiddenPrice(parsed.pricing),
      options: [...options].map(([name, values]) => ({ name, values })),
      attributes: ins?.attributes !== undefined ? ins.attributes : ['DUMMY_ATTR'],
      category: raw.category,
      query: pyStrip(raw.query.toLowerCase()),
      productCategory: raw.product_category,
      mainImage: raw.images[0] ?? '',
    };
    if (this.options.goals === 'human') {
      const instructions = this.humanIns?.get(asin);
      if (instructions) product.humanInstructions = instructions;
    } else {
      // The official code raises KeyError for a product missing from items_ins_v2; we treat it as "no instruction".
      product.instructionText = ins?.instruction ?? null;
      product.instructionAttributes = ins?.instruction_attributes ?? null;
    }
    this.products.push(product);
  }

  private hiddenPrice(pricing: number[]): number {
    if (pricing.length === 1) return pricing[0] as number;
    const [a, b] = pricing as [number, number];
    return a + (b - a) * this.priceRng.next();
  }
}

/** Validates an items_ins_v2 table (ASIN -> record). */
export function insV2Table(
  entries: Iterable<[string, unknown, RecordOrigin]>,
): Map<string, RawInsV2> {
  const out = new Map<string, RawInsV2>();
  for (const [asin, value, origin] of entries)
    out.set(asin, validateRecord(rawInsV2Schema, value, origin));
  return out;
}

/** Validates an items_human_ins table (ASIN -> list of instructions). */
export function humanInsTable(
  entries: Iterable<[string, unknown, RecordOrigin]>,
): Map<string, RawHumanInstruction[]> {
  const out = new Map<string, RawHumanInstruction[]>();
  for (const [asin, value, origin] of entries)
    out.set(asin, validateRecord(rawHumanInsSchema, value, origin));
  return out;
}

function* objectEntries(
  obj: Readonly<Record<string, unknown>>,
  source: string,
): Iterable<[string, unknown, RecordOrigin]> {
  let index = 0;
  for (const [key, value] of Object.entries(obj))
    yield [key, value, { source, index: index++, key }];
}

/** load_products over already-parsed raw structures (e.g. from the built-in generator). */
export function loadProductsFromValues(
  raw: {
    items: readonly unknown[];
    insV2: Readonly<Record<string, unknown>>;
    humanIns?: Readonly<Record<string, unknown>>;
  },
  options: LoadOptions,
  source = 'catalogue',
): Product[] {
  const ins = insV2Table(objectEntries(raw.insV2, `${source} items_ins_v2`));
  const human = raw.humanIns
    ? humanInsTable(objectEntries(raw.humanIns, `${source} items_human_ins`))
    : undefined;
  if (options.goals === 'human' && !human)
    throw new UserError(`${source}: human goals need items_human_ins`);
  const builder = new ProductBuilder(ins, human, options);
  raw.items.forEach((item, index) => builder.add(item, { source: `${source} items`, index }));
  return builder.products;
}
