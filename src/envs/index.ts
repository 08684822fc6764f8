/** Builds an env and its task set from CLI-level options. */
import { UserError } from '../core/errors.js';
import type { EnvBundle } from '../core/env.js';

export interface EnvOptions {
  env: string;
  /** A file path or `builtin:<name>[:N]`; each env has its default. */
  data?: string;
  /** HotPotQA: `offline` (the loaded paragraphs) or `live` (the Wikipedia API). */
  wiki?: 'offline' | 'live';
  /** Folder for on-disk caches (live Wikipedia). */
  cacheDir?: string;
  /** WebShop: use a running official WebShop server instead of the in-process env. */
  webshopUrl?: string;
  seed: number;
}

export const ENV_NAMES = ['hotpotqa', 'webshop'] as const;

export async function createEnvBundle(options: EnvOptions): Promise<EnvBundle> {
  switch (options.env) {
    case 'hotpotqa': {
      const { createHotpotqaBundle } = await import('./hotpotqa/index.js');
      return createHotpotqaBundle(options);
    }
    case 'webshop': {
      const { createWebshopBundle } = await import('./webshop/index.js');
      return createWebshopBundle(options);
    }
    default:
      throw new UserError(
        `unknown env "${options.env}" (expected one of: ${ENV_NAMES.join(', ')})`,
      );
  }
}
