import { Command } from 'commander';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { findEnv, getEnv } from '../../envs/index.js';
import { omit } from '../../core/settings.js';
import { PIPELINE_SETTINGS } from '../../eval/pipeline-settings.js';
import { runPipeline, type PipelineResult } from '../../eval/pipeline.js';
import { BASELINE_RULE, REFERENCE_RULE, decisionRuleNames } from '../../eval/decision/index.js';
import type { Interval } from '../../eval/stats.js';
import {
  addEnvOptions,
  addPolicyOptions,
  intArg,
  loadEnv,
  loadPolicy,
  type EnvFlags,
  type PolicyFlags,
} from '../options.js';
import { startProgress, type Progress } from '../progress.js';
import { FRESH_HELP, runIdentity } from '../run-settings.js';
import { renderTable } from '../../text/table.js';
import { addSettings } from '../settings.js';
import { writeReport } from '../../view/report.js';
import { addExamples } from '../help.js';

interface DemoFlags extends EnvFlags, PolicyFlags {
  trainTasks: number;
  testTasks: number;
  quick?: boolean;
  out?: string;
  fresh?: boolean;
  json?: boolean;
}

const QUICK = { trainTasks: 40, testTasks: 60, iterations: 12 };

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (i: Interval) => `${pct(i.mean)} [${pct(i.low)}, ${pct(i.high)}]`;

/** Heuristic policies count tokens as text length / 4 (src/text/tokens.ts), not a tokenizer. */
const estimatesTokens = (policy: string) =>
  policy === 'heuristic' || policy.startsWith('heuristic');

export function renderResult(r: PipelineResult, quick: boolean): string {
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
    const opt = (x: number | null) => (x === null ? 'n/a' : pct(x));
    lines.push(
      `train: ${r.pairs} pairs, held-out pair accuracy ${acc} (Q alone; votes alone ${opt(r.training.priorAccuracy)}, mix ${opt(r.training.mixedAccuracy)}; ${r.training.heldOutPairs} held-out pairs), ${r.training.epochs} epochs, ${r.training.seconds.toFixed(1)} s`,
    );
    const regimes = [...new Set(r.training.regimes)];
    lines.push(
      `decision: ${regimes.join(' / ')}${r.training.regimes.length > 1 ? ` (over ${r.training.regimes.length} folds)` : ''}: ${r.training.decisions[0]?.evidence.reason ?? ''}`,
    );
  }
  lines.push('');
  lines.push(
    renderTable(
      r.arms.map((a) => ({
        algorithm: a.algorithm,
        'success [95% CI]': ci(a.success),
        // Episodes that could not run (LLM/env failure after retries), apart from agent failures.
        errors: a.summary.errors,
        avgReward: a.summary.avgReward,
        llmCalls: a.summary.llmCalls,
        [estimatesTokens(r.policy) ? 'tokens (estimated)' : 'tokens']:
          a.summary.promptTokens + a.summary.completionTokens,
      })),
    ),
  );
  const success = findEnv(r.env)?.returns.success;
  if (success) lines.push(`success: ${success}`);
  if (estimatesTokens(r.policy))
    lines.push('tokens: estimated for the heuristic policy (about 4 characters per token)');
  lines.push('');
  for (const d of r.differences)
    lines.push(
      `${REFERENCE_RULE} - ${d.versus}: ${(100 * d.diff.mean).toFixed(1)} points [${(100 * d.diff.low).toFixed(1)}, ${(100 * d.diff.high).toFixed(1)}]${d.diff.low > 0 ? '  (interval above zero)' : ''}`,
    );
  const u = r.uplift;
  lines.push(
    `uplift ${REFERENCE_RULE} / ${BASELINE_RULE}: ${u.mean.toFixed(2)}x [${u.low.toFixed(2)}, ${Number.isFinite(u.high) ? u.high.toFixed(2) : 'inf'}]`,
  );
  const overlap = r.differences.filter((d) => d.diff.low <= 0 && d.diff.high >= 0);
  if (overlap.length > 0)
    lines.push(
      `note: the interval of ${overlap.map((d) => `${REFERENCE_RULE} - ${d.versus}`).join(', ')} includes zero: ` +
        `${r.testTasks} test tasks cannot show a difference there${quick ? ' (--quick is a smoke test; the default sizes are meant to)' : ''}`,
    );
  lines.push(`wall time: ${r.wallSeconds.toFixed(1)} s`);
  return lines.join('\n');
}

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .summary('the whole method end to end, with a results table')
    .description(
      'Run the whole method end to end and print a results table: collect MCTS trees on ' +
        'train tasks, build step-level preference pairs, train the Q-value model, and evaluate ' +
        `each decision rule (${decisionRuleNames().join(', ')}) on disjoint test tasks. ` +
        'Defaults: a built-in synthetic HotPotQA world of 1,500 questions (WebShop: a generated ' +
        'catalogue of 4,000 products) and the embedded heuristic policy (offline: no key, no ' +
        'GPU, no network). --train-tasks and --test-tasks cap the splits.',
    );
  addExamples(
    cmd,
    'stepq demo --quick                  # small configuration',
    'stepq demo --env webshop --seed 1',
    'stepq demo --data .stepq-cache/data/hotpotqa/hotpot_dev_distractor_v1.json --folds 5',
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
    .option('--test-tasks <k>', 'test-split tasks to evaluate on', intArg('--test-tasks', 1), 600);
  // Every setting of the pipeline (search, pairs, training, eval); --seed is among the env flags.
  const pipeline = addSettings(cmd, omit(PIPELINE_SETTINGS, ['seed']));
  cmd
    .option(
      '--quick',
      `a small configuration for CI (${QUICK.trainTasks} train / ${QUICK.testTasks} test tasks, ${QUICK.iterations} iterations)`,
    )
    .option('--out <dir>', 'run folder (default: runs/demo-<env>-<time>)')
    .option('--fresh', FRESH_HELP)
    .option('--json', 'print the results as one JSON object')
    .action(async (flags: DemoFlags & Record<string, unknown>) => {
      const settings = pipeline(flags);
      if (flags.quick) {
        const explicit = (name: string) => cmd.getOptionValueSource(name) === 'cli';
        if (!explicit('trainTasks')) flags.trainTasks = QUICK.trainTasks;
        if (!explicit('testTasks')) flags.testTasks = QUICK.testTasks;
        if (!pipeline.given('iterations')) settings.iterations = QUICK.iterations;
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
      const policy = await loadPolicy(flags, bundle.env.name, cmd, settings.concurrency);
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
        ...settings,
        seed: flags.seed,
        bundle,
        policy,
        trainTaskIds,
        testTaskIds,
        outDir,
        settings: runIdentity(flags),
        fresh: flags.fresh,
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
              `  model ${e.member} epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, train acc ${pct(e.trainAccuracy)}, held-out acc ${e.heldOutAccuracy === null ? 'n/a' : pct(e.heldOutAccuracy)}`,
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
        `\n${renderResult(result, Boolean(flags.quick))}\n\nrun folder: ${outDir} (trees, pairs.jsonl, qmodel/, eval/, results.json)\nreport: ${report} (browse the run: stepq view ${outDir})\n`,
      );
    });
}
