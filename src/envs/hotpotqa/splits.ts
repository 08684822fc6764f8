/**
 * Train/test splits: the task ids shuffled with a fixed seed ('stepq-split', independent
 * of --seed), the first 60% (rounded) -> `train`, the rest -> `test`. Each split lists its
 * ids in file order, so the same file always gives the same splits.
 */
import type { TaskSet } from '../../core/env.js';
import { Rng } from '../../core/rng.js';

export const SPLIT_SEED = 'stepq-split';
export const TRAIN_SHARE = 0.6;

export function makeTaskSet(ids: readonly string[]): TaskSet {
  const shuffled = new Rng(SPLIT_SEED).shuffle(ids);
  const train = new Set(shuffled.slice(0, Math.round(ids.length * TRAIN_SHARE)));
  return {
    ids: [...ids],
    splits: { train: ids.filter((id) => train.has(id)), test: ids.filter((id) => !train.has(id)) },
  };
}
