/**
 * Runs episodes over many tasks with bounded concurrency. Each finished trajectory is
 * appended to <out>/trajectories.jsonl at once, and a re-run with the same folder skips
 * the tasks already there, so a crash loses at most the episodes in flight.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { UserError } from '../core/errors.js';
import { writeJsonAtomic } from '../core/fs.js';
import { getDecisionRule } from './decision/index.js';
import { runEpisode, type EpisodeOptions } from './episode.js';
import { trajectorySchema, type Algorithm, type Trajectory } from './trajectory.js';

export interface EvalOptions extends Omit<EpisodeOptions, 'maxDepth'> {
  maxDepth?: number;
  taskIds: readonly string[];
  concurrency: number;
  /** Folder for trajectories.jsonl and summary.json; nothing is written when absent. */
  outDir?: string;
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
  const out: Trajectory[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = trajectorySchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

export async function runEval(
  options: EvalOptions,
): Promise<{ trajectories: Trajectory[]; summary: EvalSummary }> {
  const started = performance.now();
  const rule = getDecisionRule(options.algorithm);
  if (rule.needsQModel && !options.qmodel)
    throw new UserError(`decision rule ${rule.name} needs a Q-value model (option qmodel)`);
  const maxDepth = options.maxDepth ?? options.env.maxDepth;
  const file = options.outDir ? join(options.outDir, 'trajectories.jsonl') : undefined;
  if (options.outDir) mkdirSync(options.outDir, { recursive: true });
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
  await Promise.all(
    todo.map((taskId) =>
      limit(async () => {
        const trajectory = await runEpisode(taskId, { ...options, maxDepth });
        byTask.set(taskId, trajectory);
        if (file) appendFileSync(file, `${JSON.stringify(trajectory)}\n`);
        finished++;
        options.onEpisode?.(trajectory, finished, options.taskIds.length);
      }),
    ),
  );
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
  if (options.outDir) writeJsonAtomic(join(options.outDir, 'summary.json'), summary, true);
  return { trajectories, summary };
}
