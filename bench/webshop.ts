/**
 * WebShop search benchmark: index build time and memory, and search latency (p50/p99) over
 * generated catalogues of 1,000 and 100,000 products (1,000,000 on request: it takes several
 * minutes and ~GBs, see docs/webshop.md). Queries are the goals'
 * instruction texts (long, as agents often type them) and the products' short search queries.
 * Run: `npm run bench -- webshop` (WEBSHOP_BENCH_SIZES=1000,100000,1000000 to choose sizes).
 */
import { generateShopCatalog } from '../src/envs/webshop/catalog/generate.js';
import { loadProductsFromValues } from '../src/envs/webshop/products.js';
import { buildGoals } from '../src/envs/webshop/goals.js';
import { SearchEngine } from '../src/envs/webshop/search.js';

type Row = Record<string, string | number>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function mb(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(n: number): Promise<Row> {
  gc();
  const t0 = performance.now();
  const raw = generateShopCatalog({ n, seed: 0 });
  const products = loadProductsFromValues(raw, { goals: 'human', priceSeed: 0 });
  const goals = buildGoals(products, 'human', 0);
  const tLoaded = performance.now();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  const engine = new SearchEngine(products);
  const buildMs = performance.now() - t1;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const queries = [
    ...goals.slice(0, 300).map((g) => g.instructionText.toLowerCase()),
    ...products.slice(0, 300).map((p) => p.query),
  ];
  for (const q of queries.slice(0, 50)) engine.bm25(q); // warm-up: norm and id-rank caches, JIT
  const times: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    engine.bm25(q);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    products: n,
    'generate+load s': Math.round(tLoaded - t0) / 1000,
    'index build s': Math.round(buildMs) / 1000,
    'index heap MB': mb(heapAfter - heapBefore),
    'rss MB': mb(process.memoryUsage().rss),
    queries: times.length,
    'p50 ms': Math.round(percentile(times, 50) * 1000) / 1000,
    'p99 ms': Math.round(percentile(times, 99) * 1000) / 1000,
  };
}

export async function run(): Promise<Array<{ title: string; rows: Row[] }>> {
  const sizes = (process.env.WEBSHOP_BENCH_SIZES ?? '1000,100000').split(',').map(Number);
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await measure(n));
  return [
    {
      title: 'WebShop search: BM25 index build and query latency (targets p50 < 1 / 10 / 50 ms)',
      rows,
    },
  ];
}
