/**
 * The pipeline's settings: the search, pair, training and evaluation settings composed
 * (one description each, src/core/settings.ts), so everything the steps accept can be set
 * for the whole method, e.g. from `stepq demo`.
 */
import { int, withChanges, type Values } from '../core/settings.js';
import { PAIR_SETTINGS } from '../data/pair-settings.js';
import { FEATURIZER_SETTINGS, TRAIN_SETTINGS } from '../qmodel/train-settings.js';
import { SEARCH_SETTINGS } from '../search/settings.js';
import { CONCURRENCY_SETTINGS } from './settings.js';

export const PIPELINE_SETTINGS = {
  ...SEARCH_SETTINGS,
  n: withChanges(SEARCH_SETTINGS.n, { help: 'candidates per expansion and per Q-guided step' }),
  ...CONCURRENCY_SETTINGS,
  pairStrategy: PAIR_SETTINGS.strategy,
  minGap: PAIR_SETTINGS.minGap,
  ...TRAIN_SETTINGS,
  ...FEATURIZER_SETTINGS,
  folds: int({
    default: 1,
    min: 1,
    arg: 'k',
    help:
      'K-fold cross-fitting over the train + test tasks: each task is tested once, by a model ' +
      'trained on the other folds (for small data sets)',
  }),
  // One seed for collection, training and evaluation.
  seed: withChanges(TRAIN_SETTINGS.seed, { help: 'random seed' }),
};

export type PipelineSettings = Values<typeof PIPELINE_SETTINGS>;
