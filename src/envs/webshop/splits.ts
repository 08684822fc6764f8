/**
 * Task splits. The paper's WebShop splits (docs/method.md#metric-and-splits) index the goals of the full
 * catalogue (12,087 human goals); the 8 ids that are also in test are removed from train.
 * Any other catalogue gets a fixed-seed 60/40 split.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Rng } from '../../core/rng.js';
import { readJsonFile } from '../../core/validate.js';

export const FULL_CATALOGUE_GOALS = 12087;
const indexList = z.array(z.number().int().nonnegative());

/** Looks for paper_{train,test}_indices.json in the given folders (first hit wins). */
export function findPaperSplits(
  folders: readonly string[],
): { train: string; test: string } | undefined {
  for (const dir of folders) {
    const train = join(dir, 'paper_train_indices.json');
    const test = join(dir, 'paper_test_indices.json');
    if (existsSync(train) && existsSync(test)) return { train, test };
  }
  return undefined;
}

export function paperSplits(
  files: { train: string; test: string },
  goalCount: number,
): Record<string, string[]> {
  const test = readJsonFile(files.test, indexList);
  const testSet = new Set(test);
  const train = readJsonFile(files.train, indexList).filter((i) => !testSet.has(i));
  const bad = [...train, ...test].find((i) => i >= goalCount);
  if (bad !== undefined)
    throw new Error(`split index ${bad} is out of range for ${goalCount} goals`);
  return { train: train.map((i) => `fixed_${i}`), test: test.map((i) => `fixed_${i}`) };
}

/** A 60/40 train/test split drawn with the fixed seed 'stepq-split'. */
export function seededSplits(ids: readonly string[]): Record<string, string[]> {
  const shuffled = new Rng('stepq-split').shuffle(ids);
  const cut = Math.round(ids.length * 0.6);
  return { train: shuffled.slice(0, cut), test: shuffled.slice(cut) };
}
