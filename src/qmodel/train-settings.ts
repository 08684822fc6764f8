/** The training settings of the learned Q-value model, with their defaults (src/core/settings.ts). */
import { int, num, type Values } from '../core/settings.js';
import { DEFAULT_FEATURIZER } from './featurizer.js';

export const TRAIN_SETTINGS = {
  epochs: int({ default: 30, min: 1, help: 'maximum epochs (early stopping still applies)' }),
  beta: num({ default: 1, above: 0, arg: 'b', help: 'DPO beta' }),
  lr: num({ default: 0.003, above: 0, arg: 'lr', help: 'Adam learning rate' }),
  l2: num({ default: 1e-5, min: 0, arg: 'lambda', help: 'L2 regularisation coefficient' }),
  members: int({
    default: 3,
    min: 1,
    arg: 'k',
    help: 'ensemble members, each held out on 1/k of the tasks (their out-of-fold pairs fit the vote/Q mix; 1 = one model with --holdout)',
  }),
  holdout: num({
    default: 0.2,
    min: 0,
    max: 0.95,
    arg: 'f',
    help: 'with --members 1: fraction of tasks held out for early stopping and the vote/Q mix (0 = none)',
  }),
  patience: int({
    default: 3,
    min: 1,
    help: 'epochs without held-out improvement before stopping',
  }),
  minDelta: num({
    default: 1e-3,
    min: 0,
    arg: 'd',
    help: 'smallest held-out loss drop that counts as an improvement',
  }),
  batchSize: int({ default: 64, min: 1, help: 'pairs per Adam step' }),
  hidden: int({ default: 16, min: 0, help: 'hidden units (0 = linear model)' }),
  seed: int({ default: 0, min: 0, help: 'random seed (split, init, shuffling)' }),
};

/** The featurizer's one user-facing knob; the rest of FeaturizerConfig is fixed by its version. */
export const FEATURIZER_SETTINGS = {
  dimBits: int({
    default: DEFAULT_FEATURIZER.dimBits,
    min: 8,
    max: 24,
    help: 'log2 of the hashed feature slots',
  }),
};

export type TrainSettings = Values<typeof TRAIN_SETTINGS>;
