/** How preference pairs are picked from trees, with the defaults (src/core/settings.ts). */
import { choice, num, type Values } from '../core/settings.js';
import { PAIR_STRATEGIES } from './pairs.js';

export const PAIR_SETTINGS = {
  strategy: choice(PAIR_STRATEGIES, {
    default: 'best-path',
    arg: 'name',
    help: 'best-path (the method) or all-siblings (every node with 2+ visited children)',
  }),
  minGap: num({
    default: 0,
    min: 0,
    arg: 'g',
    help: 'drop pairs whose Q gap is below g (exact ties are always dropped)',
  }),
};

export type PairSettings = Values<typeof PAIR_SETTINGS>;
