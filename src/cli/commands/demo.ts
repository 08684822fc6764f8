import { Command } from 'commander';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { getEnv } from '../../envs/index.js';
import { PAIR_STRATEGIES, type PairStrategy } from '../../data/pairs.js';
import { runPipeline, type PipelineResult } from '../../eval/pipeline.js';
import { BASELINE_RULE, REFERENCE_RULE, decisionRuleNames } from '../../eval/decision/index.js';
import type { Interval } from '../../eval/stats.js';
import {
  addEnvOptions,
  addPolicyOptions,
  floatArg,
  intArg,
  loadEnv,
  loadPolicy,
  type EnvFlags,
  type PolicyFlags,
} from '../options.js';
import { startProgress, type Progress } from '../progress.js';
import { renderTable } from '../../text/table.js';
import { writeReport } from '../../view/report.js';

interface DemoFlags extends EnvFlags, PolicyFlags {
  trainTasks: number;
  testTasks: number;
  iterations: number;
  n: number;
  maxDepth?: number;
  concurrency: number;
  pairStrategy: PairStrategy;
  minGap: number;
  epochs?: number;
  folds: number;
  quick?: boolean;
  out?: string;
  json?: boolean;
}

const QUICK = { trainTasks: 40, testTasks: 60, iterations: 12 };

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (i: Interval) => `${pct(i.mean)} [${pct(i.low)}, ${pct(i.high)}]`;

function renderResult(r: PipelineResult): string {
  const lines: string[] = [];
  const design =
    r.folds > 1
      ? `${r.folds}-fold cross-fitting over ${r.testTasks} tasks`
      : `${r.trainTasks} train tasks, ${r.testTasks} test tasks`;
  lines.push(`stepq demo: ${r.env} (${r.source}), policy ${r.policy}; ${design}`);
  if (r.collect)
    lines.push(
      `collect: ${r.collect.solved}/${r.collect.tasks} train tasks solved by MCTS, ${r.collect.nodes} nodes, ${r.collect.llmCalls} LLM calls`,
    );
  if (r.training) {
    const acc = r.training.heldOutAccuracy === null ? 'n/a' : pct(r.training.heldOutAccuracy);
    lines.push(
      `train: ${r.pairs} pairs, held-out pair accuracy ${acc} (${r.training.heldOutPairs} held-out pairs), ${r.training.epochs} epochs, ${r.training.seconds.toFixed(1)} s`,
    );
  }
  lines.push('');
  lines.push(
    renderTable(
      r.arms.map((a) => ({
        algorithm: a.algorithm,
        'success [95% CI]': ci(a.success),
        avgReward: a.summary.avgReward,
        llmCalls: a.summary.llmCalls,
        tokens: a.summary.promptTokens + a.summary.completionTokens,
      })),
    ),
  );
  lines.push('');
  for (const d of r.differences)
    lines.push(
      `${REFERENCE_RULE} - ${d.versus}: ${(100 * d.diff.mean).toFixed(1)} points [${(100 * d.diff.low).toFixed(1)}, ${(100 * d.diff.high).toFixed(1)}]${d.diff.low > 0 ? '  (interval above zero)' : ''}`,
    );
  const u = r.uplift;
  lines.push(
    `uplift ${REFERENCE_RULE} / ${BASELINE_RULE}: ${u.mean.toFixed(2)}x [${u.low.toFixed(2)}, ${Number.isFinite(u.high) ? u.high.toFixed(2) : 'inf'}]`,
  );
  lines.push(`wall time: ${r.wallSeconds.toFixed(1)} s`);
  return lines.join('\n');
}

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description(
      'Run the whole method end to end and print a results table:\n' +
        '  collect MCTS trees on train tasks -> build step-level preference pairs -> train the\n' +
        `  Q-value model -> evaluate each decision rule (${decisionRuleNames().join(', ')})\n` +
        '  on disjoint test tasks.\n' +
        'Defaults: a built-in synthetic HotPotQA world of 1,500 questions (WebShop: a generated\n' +
        'catalogue of 4,000 products) and the embedded heuristic policy (offline: no key, no GPU,\n' +
        'no network). --train-tasks/--test-tasks cap the splits.',
    );
  addEnvOptions(cmd);
  addPolicyOptions(cmd);
  cmd
    .option(
      '--train-tasks <k>',
      'train-split tasks to collect trees on',
      intArg('--train-tasks', 1),
      900,
    )
    .option('--test-tasks <k>', 'test-split tasks to evaluate on', intArg('--test-tasks', 1), 600)
    .option('--iterations <k>', 'MCTS iterations per task', intArg('--iterations', 1), 30)
    .option('--n <k>', 'candidates per expansion and per Q-guided step', intArg('--n', 2), 5)
    .option('--max-depth <d>', "depth limit (default: the env's)", intArg('--max-depth', 1))
    .option('--concurrency <k>', 'tasks run in parallel', intArg('--concurrency', 1), 4)
    // The method's best-path rule; docs/RESULTS.md compares it with all-siblings.
    .option('--pair-strategy <s>', `pairs: ${PAIR_STRATEGIES.join(' | ')}`, 'best-path')
    .option('--min-gap <g>', 'drop pairs whose Q gap is below this', floatArg('--min-gap', 0), 0)
    .option(
      '--epochs <k>',
      'Q-value model training epochs (early stopping still applies)',
      intArg('--epochs', 1),
    )
    .option(
      '--folds <k>',
      'K-fold cross-fitting over the train + test tasks: each task is tested once, by a model trained on the other folds (for small data sets)',
      intArg('--folds', 1),
      1,
    )
    .option(
      '--quick',
      `a small configuration for CI (${QUICK.trainTasks} train / ${QUICK.testTasks} test tasks, ${QUICK.iterations} iterations)`,
    )
    .option('--out <dir>', 'run folder (default: runs/demo-<env>-<time>)')
    .option('--json', 'print the results as one JSON object')
    .action(async (flags: DemoFlags) => {
      if (!PAIR_STRATEGIES.includes(flags.pairStrategy))
        throw new UserError(`--pair-strategy must be one of ${PAIR_STRATEGIES.join(', ')}`);
      if (flags.quick) {
        const explicit = (name: string) => cmd.getOptionValueSource(name) === 'cli';
        if (!explicit('trainTasks')) flags.trainTasks = QUICK.trainTasks;
        if (!explicit('testTasks')) flags.testTasks = QUICK.testTasks;
        if (!explicit('iterations')) flags.iterations = QUICK.iterations;
      }
      // Each env registers a demo world larger than its default, so that the test split is
      // big enough for the paired-bootstrap intervals to say something.
      if (!flags.data && !flags.quick) flags.data = getEnv(flags.env).data.demo;
      const bundle = await loadEnv(flags);
      const train = bundle.tasks.splits.train ?? [];
      const test = bundle.tasks.splits.test ?? [];
      if (train.length === 0 || test.length === 0)
        throw new UserError(
          `the data has no train/test split to run the demo on (${bundle.source})`,
        );
      const trainTaskIds = train.slice(0, flags.trainTasks);
      const testTaskIds = test.slice(0, flags.testTasks);
      const policy = await loadPolicy(flags, bundle.env.name);
      const outDir =
        flags.out ??
        join('runs', `demo-${bundle.env.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const quiet = Boolean(flags.json);
      const log = (s: string) => {
        if (!quiet) process.stderr.write(`${s}\n`);
      };
      let bar: Progress | undefined;
      const stop = () => {
        bar?.stop();
        bar = undefined;
      };
      const result = await runPipeline({
        bundle,
        policy,
        trainTaskIds,
        testTaskIds,
        iterations: flags.iterations,
        n: flags.n,
        maxDepth: flags.maxDepth ?? bundle.env.maxDepth,
        seed: flags.seed,
        concurrency: flags.concurrency,
        pairStrategy: flags.pairStrategy,
        minGap: flags.minGap,
        epochs: flags.epochs,
        folds: flags.folds,
        outDir,
        hooks: {
          stage: (name, detail) => {
            stop();
            log(`[${name}] ${detail}`);
            if (name === 'collect')
              bar = startProgress('collect', trainTaskIds.length, {
                quiet,
                fields: ['solved', 'llmCalls'],
              });
          },
          collectTask: (s) => bar?.tick(1, { solved: s.solved, llmCalls: s.llmCalls }),
          epoch: (e) =>
            log(
              `  epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, train acc ${pct(e.trainAccuracy)}, held-out acc ${e.heldOutAccuracy === null ? 'n/a' : pct(e.heldOutAccuracy)}`,
            ),
          episode: (algorithm, _t, done, total) => {
            if (done === 1 || !bar) {
              stop();
              bar = startProgress(algorithm, total, { quiet });
            }
            bar.tick(1);
            if (done === total) stop();
          },
        },
      });
      stop();
      const report = writeReport(outDir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...result, outDir, report })}\n`);
        return;
      }
      process.stdout.write(
        `\n${renderResult(result)}\n\nrun folder: ${outDir} (trees, pairs.jsonl, qmodel/, eval/, results.json)\nreport: ${report} (browse the run: stepq view ${outDir})\n`,
      );
    });
}
