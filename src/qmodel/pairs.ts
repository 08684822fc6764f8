/**
 * The preference pairs training reads: the shared JSONL records of src/data/pairs.ts
 * (written by `stepq pairs`), narrowed to the fields the Q-value model uses.
 */
import type { StepContext } from '../core/messages.js';
import { UserError } from '../core/errors.js';
import { readPairs, type Pair } from '../data/pairs.js';

/** What training needs from a pair: the decision point and the two canonical step texts. */
export interface TrainingPair {
  taskId: string;
  context: StepContext;
  chosen: string;
  rejected: string;
  /** The policy's votes for the two actions at this decision, when the tree recorded them. */
  votes?: { chosen: number; rejected: number; samples: number };
}

/** The training view of a pair record (the votes only when the tree recorded them). */
export function toTrainingPair(p: Pair): TrainingPair {
  return {
    taskId: p.taskId,
    context: p.context,
    chosen: p.chosen,
    rejected: p.rejected,
    ...(p.samples !== undefined && p.chosenVotes !== undefined && p.rejectedVotes !== undefined
      ? { votes: { chosen: p.chosenVotes, rejected: p.rejectedVotes, samples: p.samples } }
      : {}),
  };
}

export function readPairsFile(file: string): TrainingPair[] {
  const pairs = readPairs(file);
  if (pairs.length === 0) throw new UserError(`${file}: no preference pairs in the file`);
  return pairs.map(toTrainingPair);
}
