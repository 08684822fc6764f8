/** WebShop's registration: everything the rest of stepq knows about this env. */
import { z } from 'zod';
import type { EnvDefinition } from '../../core/registry.js';
import { webshopPrompt } from '../../agent/prompts/webshop.js';
import { prepareWebshopStep } from '../../agent/heuristic/webshop.js';
import { preparedSamplingPolicy } from '../../agent/heuristic/sampling.js';
import { WEBSHOP_MAX_DEPTH, WEBSHOP_RETURNS } from './env.js';
import type { WebshopOptions } from './index.js';

const options = z.object({ webshopUrl: z.string().min(1).optional() }).strict();

export const webshopDefinition: EnvDefinition<Omit<WebshopOptions, 'data' | 'seed' | 'cacheDir'>> =
  {
    name: 'webshop',
    description:
      'shopping: search / click in a web shop, reward from attribute, option, price and type match',
    maxDepth: WEBSHOP_MAX_DEPTH,
    returns: WEBSHOP_RETURNS,
    prompt: webshopPrompt,
    heuristicPolicy: () => preparedSamplingPolicy('heuristic', prepareWebshopStep),
    options,
    optionFlags: [
      {
        field: 'webshopUrl',
        flag: '--webshop-url <url>',
        help: 'WebShop: drive a running official WebShop server instead of the in-process env',
      },
    ],
    data: {
      default: 'builtin:shop',
      sample: 'builtin:shop:60',
      demo: 'builtin:shop:4000',
      accepted: ['a folder with the official files', 'builtin:shop[:N]'],
    },
    async create(opts) {
      const { createWebshopBundle } = await import('./index.js');
      return createWebshopBundle(opts);
    },
  };
