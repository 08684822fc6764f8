/**
 * The whole method on one env: collect MCTS trees on train tasks, build step-level
 * preference pairs, train the learned Q-value model, then evaluate greedy,
 * best-of-n-random and Q-guided on disjoint test tasks with paired-bootstrap intervals.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvBundle } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import type { QModel } from '../core/qmodel.js';
import { writeJsonAtomic } from '../core/fs.js';
import { collectTrees, type CollectSummary } from '../search/collect.js';
import { buildPairs, readTreeFolder, type Pair, type PairStrategy } from '../data/pairs.js';
import { trainQModel, saveQModel, type EpochStats, type TrainResult } from '../qmodel/index.js';
import { runEval, type EvalSummary } from './run.js';
import { pairedBootstrap, type Interval } from './stats.js';
import type { Algorithm, Trajectory } from './trajectory.js';

export interface PipelineOptions {
  bundle: EnvBundle;
  policy: Policy;
  trainTaskIds: readonly string[];
  testTaskIds: readonly string[];
  iterations: number;
  n: number;
  maxDepth: number;
  seed: number;
  concurrency: number;
  pairStrategy: PairStrategy;
  minGap: number;
  epochs?: number;
  outDir: string;
  /** A Q-value model to use instead of training one (skips collect/pairs/train). */
  qmodel?: QModel;
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
  trainTasks: number;
  testTasks: number;
  collect?: CollectSummary;
  pairs?: number;
  training?: { heldOutAccuracy: number | null; trainAccuracy: number; epochs: number; bestEpoch: number; seconds: number; heldOutPairs: number };
  arms: ArmResult[];
  /** Q-guided minus each baseline, with 95% paired-bootstrap intervals. */
  differences: Array<{ versus: Algorithm; diff: Interval }>;
  /** Q-guided success rate divided by greedy's. */
  uplift: Interval;
  wallSeconds: number;
}

const ARMS: Algorithm[] = ['greedy', 'best-of-n-random', 'qguided'];

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const started = performance.now();
  const { bundle, policy, hooks } = options;
  const env = bundle.env;
  mkdirSync(options.outDir, { recursive: true });
  let qmodel = options.qmodel;
  let collect: CollectSummary | undefined;
  let pairs: Pair[] = [];
  let training: TrainResult | undefined;

  if (!qmodel) {
    hooks?.stage?.('collect', `${options.trainTaskIds.length} train tasks, ${options.iterations} MCTS iterations, n=${options.n}`);
    collect = await collectTrees({
      env,
      policy,
      taskIds: options.trainTaskIds,
      outDir: join(options.outDir, 'collect'),
      config: { iterations: options.iterations, n: options.n, c: 1.41, maxDepth: options.maxDepth, earlyStop: false, seed: options.seed },
      concurrency: options.concurrency,
      onTask: (_event, summary) => hooks?.collectTask?.(summary),
    });

    hooks?.stage?.('pairs', `strategy ${options.pairStrategy}`);
    const { trees } = readTreeFolder(join(options.outDir, 'collect'));
    pairs = trees.flatMap((tree) => buildPairs(tree, { strategy: options.pairStrategy, minGap: options.minGap }));
    writeFileSync(join(options.outDir, 'pairs.jsonl'), pairs.map((p) => JSON.stringify(p)).join('\n') + (pairs.length ? '\n' : ''));

    hooks?.stage?.('train', `${pairs.length} pairs`);
    training = trainQModel(pairs, { seed: options.seed, ...(options.epochs ? { epochs: options.epochs } : {}) }, (stats) => hooks?.epoch?.(stats));
    saveQModel(join(options.outDir, 'qmodel'), training);
    qmodel = training.model;
  }

  const perTask: Record<string, number[]> = {};
  const arms: ArmResult[] = [];
  for (const algorithm of ARMS) {
    hooks?.stage?.('eval', `${algorithm} on ${options.testTaskIds.length} test tasks`);
    const { trajectories, summary } = await runEval({
      env,
      policy,
      algorithm,
      n: options.n,
      ...(algorithm === 'qguided' ? { qmodel } : {}),
      maxDepth: options.maxDepth,
      seed: options.seed,
      taskIds: options.testTaskIds,
      concurrency: options.concurrency,
      outDir: join(options.outDir, 'eval', algorithm),
      onEpisode: (t, done, total) => hooks?.episode?.(algorithm, t, done, total),
    });
    perTask[algorithm] = trajectories.map((t) => (t.success ? 1 : 0));
    arms.push({ algorithm, summary, success: { mean: summary.successRate, low: 0, high: 0 } });
  }
  const boot = pairedBootstrap(perTask, { seed: options.seed });
  for (const arm of arms) arm.success = boot.arms[arm.algorithm] as Interval;

  const last = training?.history.at(-1);
  const kept = training?.history.find((h) => h.epoch === training?.bestEpoch) ?? last;
  const result: PipelineResult = {
    env: env.name,
    source: bundle.source,
    policy: policy.name,
    trainTasks: options.trainTaskIds.length,
    testTasks: options.testTaskIds.length,
    ...(collect ? { collect } : {}),
    ...(training ? { pairs: pairs.length } : {}),
    ...(training && kept
      ? {
          training: {
            heldOutAccuracy: kept.heldOutAccuracy,
            trainAccuracy: kept.trainAccuracy,
            epochs: training.history.length,
            bestEpoch: training.bestEpoch,
            seconds: training.trainSeconds + training.featurizeSeconds,
            heldOutPairs: training.counts.heldOutPairs,
          },
        }
      : {}),
    arms,
    differences: [
      { versus: 'greedy', diff: boot.diff('qguided', 'greedy') },
      { versus: 'best-of-n-random', diff: boot.diff('qguided', 'best-of-n-random') },
    ],
    uplift: boot.ratio('qguided', 'greedy'),
    wallSeconds: (performance.now() - started) / 1000,
  };
  writeJsonAtomic(join(options.outDir, 'results.json'), result, true);
  return result;
}
