/**
 * Reads a run folder for the viewer and the report: a `stepq demo` run, a `stepq collect`
 * folder or a `stepq eval` folder (the layout is src/data/run-folder.ts's). A task tried
 * again on a resumed run counts once, by its last attempt; earlier attempts are kept apart. At open time only light things are kept (tree headers,
 * trajectories, pairs without prompts, training histories); a whole tree is parsed when a
 * task's tree is asked for, and a few recent ones are cached.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { readJsonFile, readJsonlFile } from '../core/validate.js';
import { pairSchema } from '../data/pairs.js';
import {
  parseTreeHeader,
  readTreeFile,
  type TreeFile,
  type TreeHeader as Header,
} from '../data/tree.js';
import {
  findModelFiles,
  findPairsFiles,
  findTrajectoryFiles,
  findTreeFiles,
  runLayout,
} from '../data/run-folder.js';
import { parseTrajectoryLog, type Algorithm, type Trajectory } from '../eval/trajectory.js';
import { getDecisionRule, ruleOrder } from '../eval/decision/index.js';

/** The tree file without its nodes: what the task index needs. */
export type TreeHeader = Header & { file: string };

/** A preference pair as shown (the prompt is left out: it is the conversation up to `depth`). */
export type PairView = Omit<z.infer<typeof pairSchema>, 'prompt' | 'context'>;

const epochSchema = z.object({
  epoch: z.number(),
  loss: z.number(),
  trainAccuracy: z.number(),
  heldOutLoss: z.number().nullable(),
  heldOutAccuracy: z.number().nullable(),
});
const modelMetaSchema = z.looseObject({
  bestEpoch: z.number().optional(),
  history: z.array(epochSchema),
});
export type EpochRecord = z.infer<typeof epochSchema>;
export interface TrainingHistory {
  name: string;
  bestEpoch: number | null;
  history: EpochRecord[];
}

const intervalSchema = z.object({ mean: z.number(), low: z.number(), high: z.number() });
/** The parts of results.json (PipelineResult) the viewer and report read. */
export const resultsSchema = z.looseObject({
  env: z.string(),
  source: z.string(),
  policy: z.string(),
  folds: z.number(),
  trainTasks: z.number(),
  testTasks: z.number(),
  pairs: z.number().optional(),
  training: z
    .looseObject({
      heldOutAccuracy: z.number().nullable(),
      trainAccuracy: z.number(),
      epochs: z.number(),
    })
    .optional(),
  arms: z.array(
    z.object({
      algorithm: z.string(),
      summary: z.looseObject({
        n: z.number(),
        tasks: z.number(),
        successRate: z.number(),
        avgReward: z.number(),
        llmCalls: z.number(),
        promptTokens: z.number(),
        completionTokens: z.number(),
      }),
      success: intervalSchema,
    }),
  ),
  differences: z.array(z.object({ versus: z.string(), diff: intervalSchema })),
  uplift: intervalSchema,
  wallSeconds: z.number(),
});
export type RunResults = z.infer<typeof resultsSchema>;

/** One evaluated configuration: an algorithm at one n (folds of a cross-fitted run are merged). */
export interface RunArm {
  key: string;
  algorithm: Algorithm;
  n: number;
  /** One per task: its last attempt. */
  trajectories: Trajectory[];
  /** Earlier attempts that a later one replaced (errored ones, retried on a resumed run). */
  superseded: Trajectory[];
}

export interface TaskRun {
  arm: string;
  success: boolean;
  reward: number;
  steps: number;
  llmCalls: number;
  error?: string;
  /** Earlier attempts of this task in this arm, replaced by this one (each with its error). */
  earlierAttempts?: string[];
}

export interface TaskRow {
  taskId: string;
  env: string;
  /** The task text, cut to a line for the list. */
  task: string;
  tree?: {
    solved: boolean;
    bestReward: number | null;
    nodes: number;
    llmCalls: number | null;
    iterations: number;
  };
  runs: TaskRun[];
  pairs: number;
}

export interface RunFolder {
  dir: string;
  results?: RunResults;
  tasks: TaskRow[];
  taskById: Map<string, TaskRow>;
  treeHeaders: Map<string, TreeHeader>;
  arms: RunArm[];
  pairsByTask: Map<string, PairView[]>;
  training: TrainingHistory[];
  /** Files that could not be read (kept out of the index), with the reason. */
  problems: string[];
}

/** A rule that always samples one candidate (greedy) is named alone; the others with their n. */
export const armKey = (algorithm: string, n: number) =>
  ruleSamplesOne(algorithm) ? algorithm : `${algorithm} n=${n}`;

function ruleSamplesOne(algorithm: string): boolean {
  try {
    return getDecisionRule(algorithm).samples(5) === 1;
  } catch {
    return false; // a rule this stepq does not know (an older or extended run)
  }
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

function readTreeHeader(file: string): TreeHeader {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseTreeHeader(value);
  if (!parsed.ok) throw new UserError(`${file}: ${parsed.error}`);
  return { ...parsed.value, file };
}

const oneLine = (s: string, max = 160) => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export function openRunFolder(dir: string): RunFolder {
  if (!isDir(dir)) throw new UserError(`${dir}: no such folder`);
  const problems: string[] = [];
  const tryRead = <T>(file: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(err.message);
      return undefined;
    }
  };

  const treeHeaders = new Map<string, TreeHeader>();
  for (const file of findTreeFiles(dir)) {
    const header = tryRead(file, () => readTreeHeader(file));
    if (header) treeHeaders.set(header.taskId, header);
  }

  const armsByKey = new Map<string, RunArm>();
  const armOf = (t: Trajectory): RunArm => {
    const key = armKey(t.algorithm, t.n);
    let arm = armsByKey.get(key);
    if (!arm)
      armsByKey.set(
        key,
        (arm = { key, algorithm: t.algorithm, n: t.n, trajectories: [], superseded: [] }),
      );
    return arm;
  };
  for (const file of findTrajectoryFiles(dir)) {
    const log = tryRead(file, () => {
      try {
        return parseTrajectoryLog(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new UserError(`${file}: cannot read (${(err as Error).message})`);
      }
    });
    if (!log) continue;
    if (log.badLines.length)
      problems.push(
        `${file}: ${log.badLines.length} line(s) are not valid trajectory records (line ${log.badLines.slice(0, 5).join(', ')}${log.badLines.length > 5 ? ', ...' : ''}); left out`,
      );
    for (const t of log.latest) armOf(t).trajectories.push(t);
    for (const t of log.superseded) armOf(t).superseded.push(t);
  }
  const arms = [...armsByKey.values()].sort(
    (a, b) => ruleOrder(a.algorithm) - ruleOrder(b.algorithm) || a.n - b.n,
  );

  const pairsByTask = new Map<string, PairView[]>();
  for (const file of findPairsFiles(dir)) {
    for (const { prompt: _p, context: _c, ...pair } of tryRead(file, () =>
      readJsonlFile(file, pairSchema),
    ) ?? []) {
      const list = pairsByTask.get(pair.taskId) ?? [];
      list.push(pair);
      pairsByTask.set(pair.taskId, list);
    }
  }

  const training: TrainingHistory[] = [];
  for (const file of findModelFiles(dir)) {
    const meta = tryRead(file, () => readJsonFile(file, modelMetaSchema));
    if (meta)
      training.push({
        name: basename(join(file, '..')),
        bestEpoch: meta.bestEpoch ?? null,
        history: meta.history,
      });
  }

  const resultsFile = runLayout.results(dir);
  const results = existsSync(resultsFile)
    ? tryRead(resultsFile, () => readJsonFile(resultsFile, resultsSchema))
    : undefined;

  const taskById = new Map<string, TaskRow>();
  const rowFor = (taskId: string, env: string, task: string): TaskRow => {
    let row = taskById.get(taskId);
    if (!row)
      taskById.set(taskId, (row = { taskId, env, task: oneLine(task), runs: [], pairs: 0 }));
    return row;
  };
  for (const h of treeHeaders.values()) {
    rowFor(h.taskId, h.env, h.task).tree = {
      solved: h.stats.solved,
      bestReward: h.stats.bestReward,
      nodes: h.stats.nodes,
      llmCalls: h.stats.llmCalls,
      iterations: h.stats.iterationsRun,
    };
  }
  for (const arm of arms) {
    const earlier = new Map<string, string[]>();
    for (const t of arm.superseded)
      earlier.set(t.taskId, [...(earlier.get(t.taskId) ?? []), t.error ?? 'no error recorded']);
    for (const t of arm.trajectories) {
      const before = earlier.get(t.taskId);
      rowFor(t.taskId, t.env, t.task).runs.push({
        arm: arm.key,
        success: t.success,
        reward: t.reward,
        steps: t.steps.length,
        llmCalls: t.usage.calls,
        ...(t.error ? { error: t.error } : {}),
        ...(before ? { earlierAttempts: before } : {}),
      });
    }
  }
  for (const [taskId, pairs] of pairsByTask) {
    const row = taskById.get(taskId);
    if (row) row.pairs = pairs.length;
  }
  if (taskById.size === 0 && training.length === 0 && !results) {
    const why = problems.length ? `: ${problems[0]}` : '';
    throw new UserError(
      `${dir}: no run found (expected collect/trees/*.json, trees/*.json, trajectories.jsonl, eval/*/trajectories.jsonl, pairs.jsonl, qmodel/ or results.json)${why}`,
    );
  }
  const tasks = [...taskById.values()].sort((a, b) =>
    a.taskId.localeCompare(b.taskId, 'en', { numeric: true }),
  );
  return {
    dir,
    ...(results ? { results } : {}),
    tasks,
    taskById,
    treeHeaders,
    arms,
    pairsByTask,
    training,
    problems,
  };
}

/** Parses and validates whole trees on demand, keeping the last few (a tree can be megabytes). */
export class TreeCache {
  private readonly cache = new Map<string, TreeFile>();
  constructor(
    private readonly run: RunFolder,
    private readonly size = 8,
  ) {}

  get(taskId: string): TreeFile | undefined {
    const hit = this.cache.get(taskId);
    if (hit) {
      this.cache.delete(taskId);
      this.cache.set(taskId, hit);
      return hit;
    }
    const header = this.run.treeHeaders.get(taskId);
    if (!header) return undefined;
    const tree = readTreeFile(header.file);
    this.cache.set(taskId, tree);
    if (this.cache.size > this.size) this.cache.delete(this.cache.keys().next().value as string);
    return tree;
  }
}
