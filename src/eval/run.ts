/**
 * Runs episodes over many tasks with bounded concurrency. Each finished trajectory is
 * appended to <out>/trajectories.jsonl at once, and a re-run with the same folder and
 * settings skips the tasks already done (an errored task is tried again; its new record
 * replaces the old one), so a crash loses at most the episodes in flight.
 */
import { existsSync, readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { UserError } from '../core/errors.js';
import { appendJsonLine, fsError, writeJsonAtomic } from '../core/fs.js';
import { claimRunFolder, runLayout, type RunSettings } from '../data/run-folder.js';
import { getDecisionRule } from './decision/index.js';
import { runEpisode, type EpisodeOptions } from './episode.js';
import { parseTrajectoryLog, type Algorithm, type Trajectory } from './trajectory.js';

export interface EvalOptions extends Omit<EpisodeOptions, 'maxDepth'> {
  maxDepth?: number;
  taskIds: readonly string[];
  concurrency: number;
  /** Folder for trajectories.jsonl and summary.json; nothing is written when absent. */
  outDir?: string;
  /**
   * Settings that identify the run beyond what this function knows (data checksum, sampling
   * options, Q-model checksum, ...); recorded in the folder with the decision rule, n, seed
   * and depth, and checked on a re-run (src/data/run-folder.ts).
   */
  settings?: RunSettings;
  /** Start afresh: delete the folder's trajectories and summary first. */
  fresh?: boolean;
  onEpisode?: (trajectory: Trajectory, done: number, total: number) => void;
}

export interface EvalSummary {
  env: string;
  algorithm: Algorithm;
  policy: string;
  qmodel?: string;
  n: number;
  seed: number;
  tasks: number;
  successRate: number;
  avgReward: number;
  /** Mean F1 over episodes that report it (HotPotQA), else null. */
  f1: number | null;
  errors: number;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  wallSeconds: number;
}

export function summarize(
  trajectories: readonly Trajectory[],
  meta: Omit<
    EvalSummary,
    | 'tasks'
    | 'successRate'
    | 'avgReward'
    | 'f1'
    | 'errors'
    | 'llmCalls'
    | 'promptTokens'
    | 'completionTokens'
  >,
): EvalSummary {
  const n = trajectories.length || 1;
  const f1s = trajectories.map((t) => t.info.f1).filter((x): x is number => typeof x === 'number');
  const sum = (f: (t: Trajectory) => number) => trajectories.reduce((s, t) => s + f(t), 0);
  return {
    ...meta,
    tasks: trajectories.length,
    successRate: sum((t) => (t.success ? 1 : 0)) / n,
    // Scores below 0 (invalid purchases) count as 0, as the official metric clips them.
    avgReward: sum((t) => Math.max(0, t.reward)) / n,
    f1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : null,
    errors: sum((t) => (t.error ? 1 : 0)),
    llmCalls: sum((t) => t.usage.calls),
    promptTokens: sum((t) => t.usage.promptTokens),
    completionTokens: sum((t) => t.usage.completionTokens),
  };
}

function readExisting(file: string): Trajectory[] {
  if (!existsSync(file)) return [];
  // A line cut short by a crash (or otherwise unreadable) is dropped; the others are kept.
  try {
    return parseTrajectoryLog(readFileSync(file, 'utf8')).latest;
  } catch (err) {
    throw fsError(err, file, 'read');
  }
}

/** The settings an eval folder records: the caller's, plus what decides the episodes here. */
export function evalSettings(options: EvalOptions): RunSettings {
  return {
    env: options.env.name,
    policy: options.policy.name,
    qmodel: options.qmodel?.name ?? null,
    ...options.settings,
    algorithm: options.algorithm,
    n: getDecisionRule(options.algorithm).samples(options.n),
    seed: options.seed,
    maxDepth: options.maxDepth ?? options.env.maxDepth,
  };
}

export async function runEval(
  options: EvalOptions,
): Promise<{ trajectories: Trajectory[]; summary: EvalSummary }> {
  const started = performance.now();
  const rule = getDecisionRule(options.algorithm);
  if (rule.needsQModel && !options.qmodel)
    throw new UserError(`decision rule ${rule.name} needs a Q-value model (option qmodel)`);
  const maxDepth = options.maxDepth ?? options.env.maxDepth;
  const file = options.outDir ? runLayout.trajectories(options.outDir) : undefined;
  if (options.outDir)
    claimRunFolder(options.outDir, 'eval', evalSettings(options), { fresh: options.fresh });
  const wanted = new Set(options.taskIds);
  const previous = file
    ? readExisting(file).filter(
        (t) => wanted.has(t.taskId) && t.algorithm === options.algorithm && !t.error,
      )
    : [];
  const byTask = new Map(previous.map((t) => [t.taskId, t]));
  const todo = options.taskIds.filter((id) => !byTask.has(id));
  let finished = byTask.size;
  const limit = pLimit(Math.max(1, options.concurrency));
  let fatal: unknown;
  await Promise.all(
    todo.map((taskId) =>
      limit(async () => {
        if (fatal) return;
        let trajectory: Trajectory;
        try {
          trajectory = await runEpisode(taskId, { ...options, maxDepth });
        } catch (err) {
          // Only a fatal error leaves runEpisode (others are the episode's recorded error).
          fatal ??= err;
          return;
        }
        byTask.set(taskId, trajectory);
        if (file) {
          try {
            appendJsonLine(file, trajectory);
          } catch (err) {
            fatal ??= fsError(err, file, 'write');
            return;
          }
        }
        finished++;
        options.onEpisode?.(trajectory, finished, options.taskIds.length);
      }),
    ),
  );
  if (fatal) throw fatal as Error;
  const trajectories = options.taskIds.map((id) => byTask.get(id) as Trajectory);
  const summary = summarize(trajectories, {
    env: options.env.name,
    algorithm: options.algorithm,
    policy: options.policy.name,
    ...(options.qmodel ? { qmodel: options.qmodel.name } : {}),
    n: rule.samples(options.n),
    seed: options.seed,
    wallSeconds: (performance.now() - started) / 1000,
  });
  if (options.outDir) {
    const path = runLayout.summary(options.outDir);
    try {
      writeJsonAtomic(path, summary, true);
    } catch (err) {
      throw fsError(err, path, 'write');
    }
  }
  return { trajectories, summary };
}
