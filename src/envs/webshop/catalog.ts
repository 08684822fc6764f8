/**
 * A loaded WebShop world: normalised products, goals in `fixed_{i}` order, and the search
 * engine, built once and shared by every task and every tree node.
 */
import { buildGoals, type Goal } from './goals.js';
import { SearchEngine } from './search.js';
import type { GoalMode, Product } from './products.js';

export interface CatalogInfo {
  /** Human-readable origin, e.g. a folder or `builtin:shop:1000`. */
  source: string;
  goalMode: GoalMode;
}

export class WebshopCatalog {
  readonly goals: readonly Goal[];
  private engine: SearchEngine | undefined;
  private readonly byAsin: Map<string, Product>;

  constructor(
    readonly products: readonly Product[],
    readonly info: CatalogInfo,
    /** Seed of the price constraints in the goals (official: unseeded). */
    goalSeed: number | string,
  ) {
    this.byAsin = new Map(products.map((p) => [p.asin, p]));
    this.goals = buildGoals(products, info.goalMode, goalSeed);
  }

  /** The search index, built on first use. */
  get search(): SearchEngine {
    this.engine ??= new SearchEngine(this.products);
    return this.engine;
  }

  product(asin: string): Product | undefined {
    return this.byAsin.get(asin);
  }

  taskIds(): string[] {
    return this.goals.map((_, i) => `fixed_${i}`);
  }

  goalOf(taskId: string): Goal | undefined {
    const m = /^fixed_(\d+)$/.exec(taskId);
    return m ? this.goals[Number(m[1])] : undefined;
  }
}
