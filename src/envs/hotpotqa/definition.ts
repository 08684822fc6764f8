/** HotPotQA's registration: everything the rest of stepq knows about this env. */
import { z } from 'zod';
import type { EnvDefinition } from '../../core/registry.js';
import { hotpotqaPrompt } from '../../agent/prompts/hotpotqa.js';
import { prepareHotpotqaStep } from '../../agent/heuristic/hotpotqa.js';
import { preparedSamplingPolicy } from '../../agent/heuristic/sampling.js';
import { HOTPOTQA_MAX_DEPTH, HOTPOTQA_RETURNS } from './env.js';
import type { HotpotqaOptions } from './index.js';

const options = z
  .object({ wiki: z.enum(['offline', 'live']).optional(), wikiUrl: z.string().optional() })
  .strict();

export const hotpotqaDefinition: EnvDefinition<
  Omit<HotpotqaOptions, 'data' | 'seed' | 'cacheDir'>
> = {
  name: 'hotpotqa',
  description: 'multi-hop questions: Search / Lookup / Finish over Wikipedia paragraphs (EM)',
  maxDepth: HOTPOTQA_MAX_DEPTH,
  returns: HOTPOTQA_RETURNS,
  prompt: hotpotqaPrompt,
  heuristicPolicy: () => preparedSamplingPolicy('heuristic', prepareHotpotqaStep),
  options,
  optionFlags: [
    {
      field: 'wiki',
      flag: '--wiki <mode>',
      help: 'HotPotQA pages: offline (paragraphs of the data file) or live (Wikipedia API, needs network)',
      choices: ['offline', 'live'],
    },
  ],
  environment: { wikiUrl: 'STEPQ_WIKI_URL' },
  data: {
    default: 'builtin:synthetic',
    demo: 'builtin:synthetic:1500',
    accepted: ['a file in the official layout', 'builtin:synthetic[:N]'],
  },
  async create(opts) {
    // Loaded on first use: the loader and the generated world are not needed to list envs.
    const { createHotpotqaBundle } = await import('./index.js');
    return createHotpotqaBundle(opts);
  },
};
