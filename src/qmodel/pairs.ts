/**
 * The preference pairs training reads: the shared JSONL records of src/data/pairs.ts
 * (written by `stepq pairs`), narrowed to the fields the Q-value model uses.
 */
import type { StepContext } from '../core/messages.js';
import { UserError } from '../core/errors.js';
import { readPairs } from '../data/pairs.js';

/** What training needs from a pair: the decision point and the two canonical step texts. */
export interface TrainingPair {
  taskId: string;
  context: StepContext;
  chosen: string;
  rejected: string;
}

export function readPairsFile(file: string): TrainingPair[] {
  const pairs = readPairs(file);
  if (pairs.length === 0) throw new UserError(`${file}: no preference pairs in the file`);
  return pairs.map((p) => ({
    taskId: p.taskId,
    context: p.context,
    chosen: p.chosen,
    rejected: p.rejected,
  }));
}
