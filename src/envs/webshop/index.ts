/**
 * `--env webshop`: the in-process WebShop text env over the official files (`--data DIR`)
 * or the built-in generated shop (`--data builtin:shop[:N]`, the default), or a running
 * official server (`--webshop-url`).
 */
import { dirname, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { OptionError } from '../../core/settings.js';
import type { EnvBundle } from '../../core/env.js';
import type { EnvCreateOptions } from '../../core/registry.js';
import { WebshopCatalog } from './catalog.js';
import { WebshopEnv } from './env.js';
import { findOfficialFiles, loadProductsFromFiles } from './files.js';
import { loadProductsFromValues, type GoalMode, type Product } from './products.js';
import { FULL_CATALOGUE_GOALS, findPaperSplits, paperSplits, seededSplits } from './splits.js';

export { WebshopEnv, type WebshopState } from './env.js';
export { WebshopCatalog } from './catalog.js';
export { htmlToObservation, parseWebshopHtml } from './html-text.js';

export const DEFAULT_BUILTIN_PRODUCTS = 1000;
/** The catalogue's own randomness (hidden range prices, price constraints) is fixed, independent of --seed. */
export const CATALOGUE_SEED = 233;

export interface WebshopExtraOptions {
  /** Goal set: human instructions (default, as LLM benchmarks use) or synthetic ones. */
  goals?: GoalMode;
  /** Folder holding paper_{train,test}_indices.json (default: DIR/splits, then DIR). */
  splitsDir?: string;
  showAttrs?: boolean;
}

async function builtinProducts(
  spec: string,
  goals: GoalMode,
): Promise<{ products: Product[]; source: string }> {
  const m = /^builtin:shop(?::(\d+))?$/.exec(spec);
  if (!m)
    throw new OptionError(
      'data',
      'unknown built-in data (WebShop has builtin:shop or builtin:shop:N)',
      spec,
    );
  const n = m[1] === undefined ? DEFAULT_BUILTIN_PRODUCTS : Number(m[1]);
  if (!(n > 0)) throw new OptionError('data', 'N must be at least 1', spec);
  const { generateShopCatalog } = await import('./catalog/generate.js');
  const raw = generateShopCatalog({ n, seed: 0 });
  const source = `builtin:shop:${n}`;
  return {
    products: loadProductsFromValues(raw, { goals, priceSeed: CATALOGUE_SEED }, source),
    source,
  };
}

/** Builds the catalogue (products, goals, search index on first use) for `--data`. */
export async function loadWebshopCatalog(
  data: string | undefined,
  extra: WebshopExtraOptions = {},
): Promise<WebshopCatalog> {
  const goals = extra.goals ?? 'human';
  if (data === undefined || data.startsWith('builtin:')) {
    const { products, source } = await builtinProducts(data ?? 'builtin:shop', goals);
    return new WebshopCatalog(products, { source, goalMode: goals }, CATALOGUE_SEED);
  }
  const files = findOfficialFiles(data);
  const products = loadProductsFromFiles(files, { goals, priceSeed: CATALOGUE_SEED });
  return new WebshopCatalog(products, { source: files.items, goalMode: goals }, CATALOGUE_SEED);
}

function splitsFor(
  catalog: WebshopCatalog,
  data: string | undefined,
  extra: WebshopExtraOptions,
): Record<string, string[]> {
  const ids = catalog.taskIds();
  if (
    ids.length === FULL_CATALOGUE_GOALS &&
    catalog.info.goalMode === 'human' &&
    data &&
    !data.startsWith('builtin:')
  ) {
    const base = data.endsWith('.json') ? dirname(data) : data;
    const folders = extra.splitsDir ? [extra.splitsDir] : [join(base, 'splits'), base];
    const found = findPaperSplits(folders);
    if (found) {
      try {
        return paperSplits(found, ids.length);
      } catch (err) {
        throw new UserError(`${found.train}: ${(err as Error).message}`);
      }
    }
  }
  return seededSplits(ids);
}

/** WebShop's own option: a running official server instead of the in-process env. */
export interface WebshopOptions extends EnvCreateOptions {
  webshopUrl?: string;
}

export async function createWebshopBundle(
  options: WebshopOptions,
  extra: WebshopExtraOptions = {},
): Promise<EnvBundle> {
  if (options.webshopUrl) {
    const { createRemoteWebshopEnv } = await import('./remote/env.js');
    return createRemoteWebshopEnv(options.webshopUrl, options);
  }
  const catalog = await loadWebshopCatalog(options.data, extra);
  if (catalog.goals.length === 0)
    throw new UserError(`${catalog.info.source}: no ${catalog.info.goalMode} goals in this data`);
  const env = new WebshopEnv(catalog, { showAttrs: extra.showAttrs, seed: options.seed });
  const ids = catalog.taskIds();
  return {
    env: env as EnvBundle['env'],
    tasks: { ids, splits: splitsFor(catalog, options.data, extra) },
    source: `webshop ${catalog.info.source} (${catalog.products.length} products, ${ids.length} ${catalog.info.goalMode} goals)`,
  };
}
