/**
 * The whole method on one env: collect MCTS trees on train tasks, build step-level
 * preference pairs, train the learned Q-value model, then evaluate every registered
 * decision rule (one arm each: greedy, best-of-n-random, ..., Q-guided) on disjoint test
 * tasks with paired-bootstrap intervals of Q-guided minus each other arm.
 */
import { createHash } from 'node:crypto';
import type { EnvBundle } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import type { QModel } from '../core/qmodel.js';
import { fsError, writeFileAtomic, writeJsonAtomic } from '../core/fs.js';
import { claimRunFolder, runLayout, type RunSettings } from '../data/run-folder.js';
import { collectTrees, type CollectSummary } from '../search/collect.js';
import { buildPairs, type Pair } from '../data/pairs.js';
import { treeFileName } from '../data/tree.js';
import { OptionError, pick, resolveSettings } from '../core/settings.js';
import { DEFAULT_FEATURIZER } from '../qmodel/featurizer.js';
import { TRAIN_SETTINGS } from '../qmodel/train-settings.js';
import { PIPELINE_SETTINGS, type PipelineSettings } from './pipeline-settings.js';
import { CONCURRENCY_SETTINGS } from './settings.js';
import { Rng, seedFrom } from '../core/rng.js';
import {
  trainQModel,
  saveQModel,
  toTrainingPair,
  type EpochStats,
  type TrainResult,
} from '../qmodel/index.js';
import type { DecisionMix } from '../qmodel/prior-mix.js';
import { runEval, summarize, type EvalSummary } from './run.js';
import { pairedBootstrap, type Interval } from './stats.js';
import type { Algorithm, Trajectory } from './trajectory.js';
import {
  BASELINE_RULE,
  REFERENCE_RULE,
  decisionRuleNames,
  getDecisionRule,
} from './decision/index.js';

/** The run's inputs, and any PIPELINE_SETTINGS that differ from their defaults. */
export interface PipelineOptions extends Partial<PipelineSettings> {
  bundle: EnvBundle;
  policy: Policy;
  trainTaskIds: readonly string[];
  testTaskIds: readonly string[];
  outDir: string;
  /**
   * Settings that identify the run beyond what the pipeline knows (data checksum, sampling
   * options, ...); recorded in the folder with the pipeline's own, checked on a re-run.
   */
  settings?: RunSettings;
  /** Start afresh: delete the folder's collect, pairs, models, eval and results first. */
  fresh?: boolean;
  /** A Q-value model to use instead of training one (skips collect/pairs/train). */
  qmodel?: QModel;
  /** Decision rules to evaluate, one arm each (default: every registered rule). */
  rules?: readonly string[];
  hooks?: PipelineHooks;
}

export interface PipelineHooks {
  stage?(name: 'collect' | 'pairs' | 'train' | 'eval', detail: string): void;
  collectTask?(summary: CollectSummary): void;
  epoch?(stats: EpochStats): void;
  episode?(algorithm: Algorithm, trajectory: Trajectory, done: number, total: number): void;
}

export interface ArmResult {
  algorithm: Algorithm;
  summary: EvalSummary;
  success: Interval;
}

export interface PipelineResult {
  env: string;
  source: string;
  policy: string;
  /** 1, or K for K-fold cross-fitting (each test task scored by a model not trained on it). */
  folds: number;
  /** Tasks MCTS trees were collected on (all folds' train tasks together). */
  trainTasks: number;
  testTasks: number;
  collect?: CollectSummary;
  pairs?: number;
  /** Held-out numbers are means over folds. */
  training?: {
    /** Q alone on held-out pairs never used for a choice (means over folds). */
    heldOutAccuracy: number | null;
    /** The policy's votes alone, and the fitted vote/Q mix (cross-fitted), on held-out pairs. */
    priorAccuracy: number | null;
    mixedAccuracy: number | null;
    /** Per fold: how the model combines Q with the votes (prior-only, mixed, q-only). */
    regimes: string[];
    decisions: DecisionMix[];
    trainAccuracy: number;
    epochs: number;
    bestEpoch: number;
    seconds: number;
    heldOutPairs: number;
  };
  arms: ArmResult[];
  /** Q-guided minus each other arm, with 95% paired-bootstrap intervals. */
  differences: Array<{ versus: Algorithm; diff: Interval }>;
  /** Q-guided success rate divided by greedy's. */
  uplift: Interval;
  wallSeconds: number;
}

interface Fold {
  train: readonly string[];
  test: readonly string[];
}

/**
 * The train/test folds. One fold = the given split. K folds = cross-fitting over all the
 * given tasks (a seeded shuffle cut into K parts): every task is tested exactly once, by a
 * model trained on the other folds' trees, so a small data set gives K times the test tasks.
 */
export function makeFolds(
  trainIds: readonly string[],
  testIds: readonly string[],
  folds: number,
  seed: number,
): Fold[] {
  if (folds <= 1) return [{ train: trainIds, test: testIds }];
  const all = new Rng(seedFrom('stepq-folds', seed)).shuffle([...trainIds, ...testIds]);
  if (folds > all.length)
    throw new OptionError('folds', `more folds than tasks (${all.length})`, String(folds));
  const parts: string[][] = Array.from({ length: folds }, () => []);
  all.forEach((id, i) => (parts[i % folds] as string[]).push(id));
  return parts.map((test, k) => ({ test, train: parts.filter((_, j) => j !== k).flat() }));
}

const idsChecksum = (ids: readonly string[]) =>
  `sha256:${createHash('sha256').update(ids.join('\n')).digest('hex')}`;

/** The settings a pipeline run folder records (every pipeline setting that shapes results). */
export function pipelineSettings(
  options: PipelineOptions & PipelineSettings,
  rules: readonly string[],
): RunSettings {
  const out: RunSettings = {
    env: options.bundle.env.name,
    source: options.bundle.source,
    policy: options.policy.name,
    qmodel: options.qmodel?.name ?? null,
    ...options.settings,
    trainTasks: options.trainTaskIds.length,
    testTasks: options.testTaskIds.length,
    taskIds: idsChecksum([...options.trainTaskIds, '|', ...options.testTaskIds]),
    rules: rules.join(','),
  };
  for (const key of Object.keys(PIPELINE_SETTINGS)) {
    if (key in CONCURRENCY_SETTINGS) continue; // how fast, not what
    const value = (options as unknown as Record<string, unknown>)[key];
    out[key] = value === undefined ? null : (value as RunSettings[string]);
  }
  return out;
}

export async function runPipeline(input: PipelineOptions): Promise<PipelineResult> {
  const started = performance.now();
  const options = resolveSettings(PIPELINE_SETTINGS, input);
  const { bundle, policy, hooks } = options;
  const env = bundle.env;
  const ARMS: Algorithm[] = [...(options.rules ?? decisionRuleNames())];
  ARMS.forEach((name) => getDecisionRule(name));
  for (const name of [REFERENCE_RULE, BASELINE_RULE])
    if (!ARMS.includes(name)) throw new OptionError('rules', `must include ${name}`);
  const maxDepth = options.maxDepth ?? env.maxDepth;
  claimRunFolder(options.outDir, 'pipeline', pipelineSettings(options, ARMS), {
    fresh: options.fresh,
  });
  // The parts below record their own settings: the run's, with the pipeline's on top.
  const partSettings: RunSettings = { source: bundle.source, ...options.settings };
  const folds = makeFolds(options.trainTaskIds, options.testTaskIds, options.folds, options.seed);
  const collectIds = options.qmodel ? [] : [...new Set(folds.flatMap((f) => f.train))];
  let collect: CollectSummary | undefined;
  // Each tree's pairs, built as the tree arrives: the trees themselves are on disk and not
  // kept (they were most of the pipeline's peak memory).
  const pairsByTask = new Map<string, Pair[]>();

  if (collectIds.length > 0) {
    hooks?.stage?.(
      'collect',
      `${collectIds.length} train tasks, ${options.iterations} MCTS iterations, n=${options.n}`,
    );
    collect = await collectTrees({
      env,
      policy,
      taskIds: collectIds,
      outDir: runLayout.collect(options.outDir),
      settings: partSettings,
      config: {
        iterations: options.iterations,
        n: options.n,
        c: options.c,
        maxDepth,
        earlyStop: options.earlyStop,
        seed: options.seed,
      },
      concurrency: options.concurrency,
      onTask: (event, summary) => {
        if (event.tree)
          pairsByTask.set(
            event.tree.taskId,
            buildPairs(event.tree, { strategy: options.pairStrategy, minGap: options.minGap }),
          );
        hooks?.collectTask?.(summary);
      },
    });
  }
  // Completion order depends on scheduling; file-name order keeps pairs (and training) reproducible.
  const treeTasks = [...pairsByTask.keys()].sort((a, b) =>
    treeFileName(a) < treeFileName(b) ? -1 : 1,
  );

  const trajectories: Record<string, Trajectory[]> = Object.fromEntries(ARMS.map((a) => [a, []]));
  const trainings: TrainResult[] = [];
  let pairCount = 0;
  for (const [k, fold] of folds.entries()) {
    const suffix = folds.length > 1 ? `-fold${k + 1}` : '';
    const label = folds.length > 1 ? ` (fold ${k + 1}/${folds.length})` : '';
    let qmodel = options.qmodel;
    if (!qmodel) {
      hooks?.stage?.('pairs', `strategy ${options.pairStrategy}${label}`);
      const trainSet = new Set(fold.train);
      const pairs = treeTasks
        .filter((taskId) => trainSet.has(taskId))
        .flatMap((taskId) => pairsByTask.get(taskId) ?? []);
      const pairsFile = runLayout.pairs(options.outDir, suffix);
      try {
        writeFileAtomic(
          pairsFile,
          pairs.map((p) => JSON.stringify(p)).join('\n') + (pairs.length ? '\n' : ''),
        );
      } catch (err) {
        throw fsError(err, pairsFile, 'write');
      }
      pairCount += pairs.length;
      hooks?.stage?.('train', `${pairs.length} pairs${label}`);
      const training = trainQModel(
        pairs.map(toTrainingPair),
        {
          ...pick(options, Object.keys(TRAIN_SETTINGS) as Array<keyof typeof TRAIN_SETTINGS>),
          featurizer: { ...DEFAULT_FEATURIZER, dimBits: options.dimBits },
        },
        (stats) => hooks?.epoch?.(stats),
      );
      const modelDir = runLayout.qmodel(options.outDir, suffix);
      try {
        saveQModel(modelDir, training);
      } catch (err) {
        throw fsError(err, modelDir, 'write');
      }
      trainings.push(training);
      qmodel = training.model;
    }
    for (const algorithm of ARMS) {
      hooks?.stage?.('eval', `${algorithm} on ${fold.test.length} test tasks${label}`);
      const run = await runEval({
        env,
        policy,
        algorithm,
        n: options.n,
        ...(getDecisionRule(algorithm).needsQModel ? { qmodel } : {}),
        maxDepth,
        seed: options.seed,
        taskIds: fold.test,
        concurrency: options.concurrency,
        outDir: runLayout.evalArm(options.outDir, algorithm + suffix),
        settings: partSettings,
        onEpisode: (t, done, total) => hooks?.episode?.(algorithm, t, done, total),
      });
      (trajectories[algorithm] as Trajectory[]).push(...run.trajectories);
    }
  }

  const testTasks = folds.flatMap((f) => f.test);
  const perTask: Record<string, number[]> = {};
  const arms: ArmResult[] = ARMS.map((algorithm) => {
    const runs = trajectories[algorithm] as Trajectory[];
    perTask[algorithm] = runs.map((t) => (t.success ? 1 : 0));
    const summary = summarize(runs, {
      env: env.name,
      algorithm,
      policy: policy.name,
      n: getDecisionRule(algorithm).samples(options.n),
      seed: options.seed,
      wallSeconds: runs.reduce((sum, t) => sum + t.wallSeconds, 0),
    });
    return { algorithm, summary, success: { mean: summary.successRate, low: 0, high: 0 } };
  });
  const boot = pairedBootstrap(perTask, { seed: options.seed });
  for (const arm of arms) arm.success = boot.arms[arm.algorithm] as Interval;

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanOf = (pick: (t: TrainResult) => number | null) => {
    const xs = trainings.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
    return xs.length ? mean(xs) : null;
  };
  const bestOf = (t: TrainResult) =>
    t.history.find((h) => h.epoch === t.bestEpoch) ?? t.history.at(-1);
  const result: PipelineResult = {
    env: env.name,
    source: bundle.source,
    policy: policy.name,
    folds: folds.length,
    trainTasks: collectIds.length,
    testTasks: testTasks.length,
    ...(collect ? { collect } : {}),
    ...(trainings.length ? { pairs: pairCount } : {}),
    ...(trainings.length
      ? {
          training: {
            // Reported on pairs that chose nothing (see src/qmodel/train.ts).
            heldOutAccuracy: meanOf((t) => t.evaluation.reportAccuracy),
            priorAccuracy: meanOf((t) => t.evaluation.priorAccuracy),
            mixedAccuracy: meanOf((t) => t.evaluation.mixedAccuracy),
            trainAccuracy: mean(trainings.map((t) => bestOf(t)?.trainAccuracy ?? NaN)),
            epochs: Math.max(...trainings.map((t) => t.history.length)),
            bestEpoch: trainings[0]?.bestEpoch ?? 0,
            seconds: trainings.reduce((sum, t) => sum + t.trainSeconds + t.featurizeSeconds, 0),
            heldOutPairs: trainings.reduce((sum, t) => sum + t.counts.heldOutPairs, 0),
            regimes: trainings.map((t) => t.decision.regime),
            decisions: trainings.map((t) => t.decision),
          },
        }
      : {}),
    arms,
    differences: ARMS.filter((a) => a !== REFERENCE_RULE).map((versus) => ({
      versus,
      diff: boot.diff(REFERENCE_RULE, versus),
    })),
    uplift: boot.ratio(REFERENCE_RULE, BASELINE_RULE),
    wallSeconds: (performance.now() - started) / 1000,
  };
  const resultsFile = runLayout.results(options.outDir);
  try {
    writeJsonAtomic(resultsFile, result, true);
  } catch (err) {
    throw fsError(err, resultsFile, 'write');
  }
  return result;
}
