/**
 * Partial trees: what a search had built when it failed (an LLM error it could not retry,
 * an env error, Ctrl-C), kept so that a re-run resumes the task instead of starting over.
 * The algorithm throws SearchInterrupted with the tree as it stood after its last complete
 * iteration plus its own checkpoint (for MCTS: the next iteration, the random draws made,
 * the counters); `collect` writes both to `<out>/partial-trees/<task>.json` and passes them
 * back to the same algorithm, with the same settings, on the next run. Seeds derive from
 * (run seed, task, node path or iteration), so the resumed search makes exactly the
 * requests the uninterrupted one would have made.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runLayout } from '../data/run-folder.js';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/fs.js';
import { readJsonFile } from '../core/validate.js';
import { parseTree, storedTree, treeFileName } from '../data/tree.js';
import type { PartialTree, SearchAlgorithm } from './types.js';

export const PARTIAL_TREE_FORMAT = 'stepq.partial-tree/1';

/** Thrown by a search that stopped early, with what it had built. */
export class SearchInterrupted extends Error {
  constructor(
    readonly partial: PartialTree,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'SearchInterrupted';
  }
}

export const partialTreesDir = runLayout.partialTrees;

export function partialTreePath(outDir: string, taskId: string): string {
  return join(partialTreesDir(outDir), treeFileName(taskId));
}

const partialFileSchema = z.object({
  format: z.literal(PARTIAL_TREE_FORMAT),
  /** The error that stopped the last attempt (one line). */
  error: z.string(),
  /** Attempts of this task that stopped early so far. */
  failures: z.number().int().min(1),
  checkpoint: z.unknown(),
  tree: z.unknown(),
});

export interface StoredPartial extends PartialTree {
  error: string;
  failures: number;
}

export function writePartialTree(file: string, partial: StoredPartial): void {
  writeJsonAtomic(file, {
    format: PARTIAL_TREE_FORMAT,
    error: partial.error,
    failures: partial.failures,
    checkpoint: partial.checkpoint,
    tree: storedTree(partial.tree),
  });
}

/** A readable partial tree for this task, or undefined (missing or damaged: start afresh). */
export function readPartialTree(file: string, taskId: string): StoredPartial | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = readJsonFile(file, partialFileSchema);
    const tree = parseTree(value.tree);
    if (!tree.ok || tree.value.taskId !== taskId) return undefined;
    const { error, failures, checkpoint } = value;
    return { error, failures, checkpoint, tree: tree.value };
  } catch {
    return undefined;
  }
}

/** The partial tree was built by this algorithm with these settings, env and policy. */
export function partialMatches(
  partial: PartialTree,
  search: SearchAlgorithm,
  expected: { env: string; policy: string; seed: number; maxDepth: number },
): boolean {
  const { tree } = partial;
  return (
    tree.env === expected.env &&
    tree.policy === expected.policy &&
    tree.seed === expected.seed &&
    tree.maxDepth === expected.maxDepth &&
    isDeepStrictEqual(tree.search, { algorithm: search.name, params: { ...search.params } })
  );
}

export function removePartialTree(file: string): void {
  rmSync(file, { force: true });
}
