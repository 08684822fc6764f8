/**
 * The WebShop search engine (docs/webshop-port.md#search-engine): a Lucene-faithful BM25 index over each
 * product's document text, built once per catalogue and shared by every task and tree node.
 */
import { Bm25Index } from '../../text/bm25.js';
import { analyzeEnglish } from '../../text/analyzer.js';
import { Rng, seedFrom } from '../../core/rng.js';
import type { Product } from './products.js';

export const SEARCH_RETURN_N = 50;
export const PRODUCT_WINDOW = 10;

/** Lucene's one-byte document length: exact below 24, then 24 + (len-24) keeping its 4 leading bits. */
export function luceneQuantizedLength(length: number): number {
  if (length < 24) return length;
  const x = length - 24;
  if (x < 8) return 24 + x;
  const shift = 32 - Math.clz32(x) - 4;
  return 24 + ((x >>> shift) << shift);
}

/** The indexed text: lower(Title + " " + Description + " " + BulletPoints[0] + " " + option text). */
export function documentText(p: Product): string {
  const optionText = p.options.map((o) => `${o.name}: ${o.values.join(', ')}`).join(', and ');
  return [p.title, p.description, p.bulletPoints[0] ?? '', optionText].join(' ').toLowerCase();
}

export class SearchEngine {
  private readonly index = new Bm25Index({
    k1: 0.9,
    b: 0.4,
    scoredLength: luceneQuantizedLength,
    float32: true,
  });
  private readonly byAsin = new Map<string, Product>();
  private attributeIndex: Map<string, Set<string>> | undefined;
  private readonly cache = new Map<string, readonly Product[]>();

  constructor(readonly products: readonly Product[]) {
    for (const p of products) {
      this.byAsin.set(p.asin, p);
      this.index.add(p.asin, analyzeEnglish(documentText(p)));
    }
  }

  get size(): number {
    return this.products.length;
  }

  product(asin: string): Product | undefined {
    return this.byAsin.get(asin);
  }

  /** BM25 top 50 for a free-text query; ties by ASIN. */
  bm25(query: string): Product[] {
    return this.index
      .search(analyzeEnglish(query), SEARCH_RETURN_N)
      .flatMap((h) => this.byAsin.get(h.id) ?? []);
  }

  /**
   * `get_top_n_product_from_keywords`. Special first keywords: `<r>` 50 random products
   * (drawn from `randomSeed`, so a state re-renders identically), `<a>` / `<c>` / `<q>`
   * exact attribute / category / query filters. Results are cached per keyword list.
   */
  results(keywords: readonly string[], randomSeed: number): readonly Product[] {
    // Only random pages depend on the seed; every other result list is shared across tasks.
    const key = `${keywords[0] === '<r>' ? randomSeed : ''}\u0000${keywords.join('\u0001')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const out = this.compute(keywords, randomSeed);
    if (this.cache.size >= 4096) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, out);
    return out;
  }

  private compute(keywords: readonly string[], randomSeed: number): Product[] {
    const first = keywords[0];
    if (first === '<r>') {
      const n = Math.min(SEARCH_RETURN_N, this.products.length);
      const rng = new Rng(seedFrom('webshop-random-search', randomSeed));
      const picked = new Set<number>();
      const out: Product[] = [];
      while (out.length < n) {
        const i = rng.int(this.products.length);
        if (!picked.has(i)) {
          picked.add(i);
          out.push(this.products[i] as Product);
        }
      }
      return out;
    }
    if (first === '<a>') {
      const attribute = keywords.slice(1).join(' ').trim();
      const asins = this.attributes().get(attribute) ?? new Set<string>();
      return this.products.filter((p) => asins.has(p.asin));
    }
    if (first === '<c>') {
      const category = (keywords[1] ?? '').trim();
      return this.products.filter((p) => p.category === category);
    }
    if (first === '<q>') {
      const query = keywords.slice(1).join(' ').trim();
      return this.products.filter((p) => p.query === query);
    }
    return this.bm25(keywords.join(' '));
  }

  private attributes(): Map<string, Set<string>> {
    if (!this.attributeIndex) {
      this.attributeIndex = new Map();
      for (const p of this.products) {
        for (const a of p.attributes) {
          let set = this.attributeIndex.get(a);
          if (!set) this.attributeIndex.set(a, (set = new Set()));
          set.add(p.asin);
        }
      }
    }
    return this.attributeIndex;
  }
}

/** Page p (1-based) of the results, 10 per page. */
export function resultsPage<T>(results: readonly T[], page: number): T[] {
  return results.slice((page - 1) * PRODUCT_WINDOW, page * PRODUCT_WINDOW);
}
