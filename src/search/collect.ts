/**
 * Collection over many tasks: one search tree file per task in `<out>/trees/`, written
 * atomically when the task finishes. A re-run skips every task whose file exists and
 * parses, so a crash (kill -9) loses at most the tasks in flight. Tasks run in parallel
 * (p-limit) under the policy's own global LLM limit; `shard` splits the task list
 * deterministically across machines sharing the folder. A task whose search stops early (an
 * LLM error, Ctrl-C) keeps what it had built in `<out>/partial-trees/` and the next run
 * resumes it (./partial.ts), so an error or Ctrl-C loses only the iteration in flight. The search
 * algorithm comes from the registry (./registry.ts); MCTS unless the caller names another.
 */
import { existsSync } from 'node:fs';
import pLimit from 'p-limit';
import type { Env } from '../core/env.js';
import { FatalRunError } from '../core/errors.js';
import { OptionError } from '../core/settings.js';
import { fsError } from '../core/fs.js';
import { redactSecrets } from '../core/redact.js';
import type { Policy } from '../core/policy.js';
import { readTreeFile, writeTreeFile, type TreeFile } from '../data/tree.js';
import { claimRunFolder, runLayout, type RunSettings } from '../data/run-folder.js';
import { pairSelections } from '../data/pairs.js';
import {
  partialMatches,
  partialTreePath,
  readPartialTree,
  removePartialTree,
  SearchInterrupted,
  writePartialTree,
} from './partial.js';
import { createSearchAlgorithm, DEFAULT_SEARCH_ALGORITHM } from './registry.js';
import type { SearchAlgorithmSpec, SearchParams, SearchSettings } from './types.js';

export interface Shard {
  /** 0-based shard number, < count. */
  index: number;
  count: number;
}

/** Parses `i/m` (0-based i). */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count)
    throw new OptionError('shard', 'expected i/m with 0 <= i < m, e.g. 0/4 .. 3/4', spec);
  return { index, count };
}

/** The tasks of one shard: every m-th task of the selection, starting at i. */
export function shardTasks<T>(tasks: readonly T[], shard?: Shard): T[] {
  if (!shard) return [...tasks];
  return tasks.filter((_, i) => i % shard.count === shard.index);
}

export const treesDir = runLayout.trees;
export const treePath = runLayout.treeFile;

export type TaskStatus = 'done' | 'skipped' | 'failed';

export interface TaskEvent {
  taskId: string;
  status: TaskStatus;
  tree?: TreeFile;
  error?: string;
}

export interface CollectOptions {
  env: Env;
  policy: Policy;
  taskIds: readonly string[];
  outDir: string;
  /**
   * The shared settings (maxDepth, seed) plus the algorithm's own options, which its schema
   * validates and completes (MCTS: iterations, n, c, earlyStop; a SearchConfig).
   */
  config: SearchSettings & Record<string, unknown>;
  /** A registered algorithm's name, or an unregistered spec; default `mcts`. */
  algorithm?: string | SearchAlgorithmSpec;
  /**
   * Settings that identify the run beyond what this function knows (data checksum, sampling
   * options, ...); recorded in the folder with the search settings, checked on a re-run.
   */
  settings?: RunSettings;
  /** Start afresh: delete the folder's trees first. */
  fresh?: boolean;
  /** Tasks searched in parallel. */
  concurrency: number;
  shard?: Shard;
  signal?: AbortSignal;
  onTask?: (event: TaskEvent, summary: CollectSummary) => void;
  /** Finer progress: called after every search iteration of every task. */
  onIteration?: (taskId: string, iteration: number) => void;
}

export interface CollectSummary {
  /** Tasks in this run's selection (after sharding). */
  tasks: number;
  /** Tasks whose tree (new or skipped) holds a success. */
  solved: number;
  failed: number;
  /** Tasks whose finished tree was already there. */
  skipped: number;
  /** Tasks that continued a partial tree kept by an earlier run. */
  resumed: number;
  /** Failed tasks whose partial tree is kept for the next run. */
  partial: number;
  /** Stored nodes over all finished trees of the selection. */
  nodes: number;
  /** Best-path pairs (min gap 0) the finished trees give. */
  pairsAvailable: number;
  /** LLM usage of this run only (skipped trees spent theirs earlier; failed tasks' calls count). */
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  wallSeconds: number;
  errors: Array<{ taskId: string; error: string }>;
}

/** A finished tree already on disk for this task, or undefined (missing or unreadable: redo it). */
function existingTree(file: string, taskId: string): TreeFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const tree = readTreeFile(file);
    return tree.taskId === taskId ? tree : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The settings a collect folder records: the caller's, plus everything that shapes a tree.
 * With `params` (the algorithm's validated options), defaults count as given, so a caller
 * that leaves an option out and one that passes its default make the same run.
 */
export function collectSettings(options: CollectOptions, params?: SearchParams): RunSettings {
  const algorithm = options.algorithm ?? DEFAULT_SEARCH_ALGORITHM;
  const out: RunSettings = {
    env: options.env.name,
    policy: options.policy.name,
    ...options.settings,
    algorithm: typeof algorithm === 'string' ? algorithm : algorithm.name,
  };
  const { maxDepth, seed } = options.config;
  const config = params ? { maxDepth, seed, ...params } : options.config;
  for (const [key, value] of Object.entries(config))
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      out[key] = value as RunSettings[string];
    else if (value !== undefined) out[key] = JSON.stringify(value);
  return out;
}

export async function collectTrees(options: CollectOptions): Promise<CollectSummary> {
  const started = performance.now();
  const tasks = shardTasks(options.taskIds, options.shard);
  const summary: CollectSummary = {
    tasks: tasks.length,
    solved: 0,
    failed: 0,
    skipped: 0,
    resumed: 0,
    partial: 0,
    nodes: 0,
    pairsAvailable: 0,
    llmCalls: 0,
    promptTokens: 0,
    completionTokens: 0,
    wallSeconds: 0,
    errors: [],
  };
  const { maxDepth, seed, ...algorithmOptions } = options.config;
  const search = createSearchAlgorithm(
    options.algorithm ?? DEFAULT_SEARCH_ALGORITHM,
    { env: options.env, policy: options.policy },
    { maxDepth, seed },
    algorithmOptions,
  );
  const expected = { env: options.env.name, policy: options.policy.name, maxDepth, seed };
  claimRunFolder(options.outDir, 'collect', collectSettings(options, search.params), {
    fresh: options.fresh,
  });
  const countTree = (tree: TreeFile) => {
    if (tree.stats.solved) summary.solved++;
    summary.nodes += tree.stats.nodes;
    summary.pairsAvailable += pairSelections(tree, { strategy: 'best-path', minGap: 0 }).length;
  };
  const report = (event: TaskEvent) => {
    summary.wallSeconds = (performance.now() - started) / 1000;
    options.onTask?.(event, summary);
  };
  const limit = pLimit(Math.max(1, options.concurrency));
  let fatal: unknown;
  await Promise.all(
    tasks.map((taskId) =>
      limit(async () => {
        const file = treePath(options.outDir, taskId);
        const previous = existingTree(file, taskId);
        if (previous) {
          summary.skipped++;
          countTree(previous);
          report({ taskId, status: 'skipped', tree: previous });
          return;
        }
        if (options.signal?.aborted || fatal) return;
        const partialFile = partialTreePath(options.outDir, taskId);
        const kept = readPartialTree(partialFile, taskId);
        const resume = kept && partialMatches(kept, search, expected) ? kept : undefined;
        // LLM usage already counted in the tree this attempt continues.
        const spentBefore: Partial<TreeFile['stats']> = resume?.tree.stats ?? {};
        const addUsage = (tree: TreeFile) => {
          summary.llmCalls += (tree.stats.llmCalls ?? 0) - (spentBefore.llmCalls ?? 0);
          summary.promptTokens += (tree.stats.promptTokens ?? 0) - (spentBefore.promptTokens ?? 0);
          summary.completionTokens +=
            (tree.stats.completionTokens ?? 0) - (spentBefore.completionTokens ?? 0);
        };
        if (resume) summary.resumed++;
        try {
          const onIteration = options.onIteration;
          const tree = await search.search(taskId, {
            signal: options.signal,
            ...(resume ? { resume } : {}),
            ...(onIteration ? { onIteration: (i: number) => onIteration(taskId, i) } : {}),
          });
          try {
            writeTreeFile(file, tree);
          } catch (err) {
            throw fsError(err, file, 'write');
          }
          removePartialTree(partialFile);
          addUsage(tree);
          countTree(tree);
          report({ taskId, status: 'done', tree });
        } catch (err) {
          // One task's LLM or env failure must not end the run. Its finished tree is not
          // written, so a re-run retries it, from the partial tree when the search kept one.
          // A fatal one (unwritable output, unreachable LLM) ends the run; finished work is kept.
          const cause = err instanceof SearchInterrupted ? err.cause : err;
          const error = redactSecrets(err instanceof Error ? err.message : String(err));
          if (err instanceof SearchInterrupted) {
            const failures = (resume?.failures ?? 0) + 1;
            writePartialTree(partialFile, { ...err.partial, error, failures });
            addUsage(err.partial.tree);
          }
          if (options.signal?.aborted) return;
          if (cause instanceof FatalRunError) {
            fatal ??= cause;
            return;
          }
          summary.failed++;
          if (err instanceof SearchInterrupted) summary.partial++;
          summary.errors.push({ taskId, error });
          report({ taskId, status: 'failed', error });
        }
      }),
    ),
  );
  if (fatal) throw fatal as Error;
  summary.wallSeconds = (performance.now() - started) / 1000;
  return summary;
}
