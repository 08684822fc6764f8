import { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { importOfficialFolder } from '../../data/official-import.js';
import {
  collectTrees,
  parseShard,
  shardTasks,
  treesDir,
  type CollectSummary,
} from '../../search/collect.js';
import { withChanges } from '../../core/settings.js';
import { CONCURRENCY_SETTINGS } from '../../eval/settings.js';
import { SEARCH_SETTINGS } from '../../search/settings.js';
import {
  addEnvOptions,
  addPolicyOptions,
  loadEnv,
  loadPolicy,
  selectTasks,
  type EnvFlags,
  type PolicyFlags,
} from '../options.js';
import { startProgress } from '../progress.js';
import { FRESH_HELP, runIdentity } from '../run-settings.js';
import { renderTable } from '../../text/table.js';
import { addSettings } from '../settings.js';
import { addExamples } from '../help.js';

interface CollectFlags extends EnvFlags, PolicyFlags {
  shard?: string;
  earlyStop?: boolean;
  out?: string;
  importOfficial?: string;
  fresh?: boolean;
  json?: boolean;
}

const SUMMARY_COLUMNS = [
  'tasks',
  'solved',
  'failed',
  'skipped',
  'nodes',
  'pairsAvailable',
  'llmCalls',
  'promptTokens',
  'completionTokens',
  'wallSeconds',
] as const;

export function registerCollect(program: Command): void {
  const cmd = program
    .command('collect')
    .summary('MCTS trees, one file per task (step 1)')
    .description(
      'Explore tasks with MCTS and save one tree per task in <out>/trees/ (step 1 of the method). ' +
        'A re-run with the same --out skips finished tasks. With --import-official DIR, convert ' +
        'trees saved by the official Python code instead (no search). Format: docs/tree-format.md.',
    );
  addExamples(
    cmd,
    'stepq collect --tasks 0-99 --iterations 30 --out runs/c1',
    'stepq collect --policy openai:gpt-4o-mini --shard 0/4 --out runs/c1',
    'stepq collect --import-official official_trees/ --out runs/c2',
  );
  addEnvOptions(cmd);
  addPolicyOptions(cmd);
  const search = addSettings(cmd, SEARCH_SETTINGS);
  const parallel = addSettings(cmd, {
    concurrency: withChanges(CONCURRENCY_SETTINGS.concurrency, {
      help: 'tasks searched in parallel (LLM requests stay under --llm-concurrency)',
    }),
  });
  cmd
    .option(
      '--shard <i/m>',
      'run only shard i of m (0-based) of the selected tasks, for several machines sharing --out',
    )
    .option('--out <dir>', 'output folder (trees go to <dir>/trees/)')
    .option(
      '--import-official <dir>',
      'convert a folder of official-code trees (<task_idx>.json) into <out>/trees/',
    )
    .option('--fresh', FRESH_HELP)
    .option('--json', 'print one JSON summary object instead of a table')
    .action(async (flags: CollectFlags & Record<string, unknown>) => {
      if (!flags.out) throw new UserError('collect needs --out <dir>');
      if (flags.importOfficial) return importOfficial(flags.importOfficial, flags.out, flags);
      const config = search(flags);
      const shard = flags.shard ? parseShard(flags.shard) : undefined;
      const bundle = await loadEnv(flags);
      const taskIds = selectTasks(bundle, flags);
      const policy = await loadPolicy(flags, bundle.env.name, cmd, parallel(flags).concurrency);
      const total = shardTasks(taskIds, shard).length;
      const progress = startProgress('collect', total, {
        quiet: flags.json,
        fields: ['solved', 'failed', 'llm', 'tokens'],
      });
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let summary: CollectSummary;
      try {
        summary = await collectTrees({
          env: bundle.env,
          policy,
          taskIds,
          outDir: flags.out,
          settings: runIdentity(flags),
          fresh: flags.fresh,
          config: { ...config, maxDepth: config.maxDepth ?? bundle.env.maxDepth, seed: flags.seed },
          concurrency: parallel(flags).concurrency,
          shard,
          signal: controller.signal,
          onTask: (_event, s) =>
            progress.tick(1, {
              solved: s.solved,
              failed: s.failed,
              llm: s.llmCalls,
              tokens: s.promptTokens + s.completionTokens,
            }),
        });
      } finally {
        process.off('SIGINT', onSigint);
        progress.stop();
      }
      if (controller.signal.aborted)
        process.stderr.write(
          'stepq: interrupted; finished and partial trees are kept, re-run the same command to resume.\n',
        );
      const { errors, ...numbers } = summary;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...numbers, errors })}\n`);
      } else {
        process.stdout.write(
          `${renderTable([numbers], SUMMARY_COLUMNS)}\ntrees: ${treesDir(flags.out)}\n`,
        );
        for (const e of errors.slice(0, 10))
          process.stderr.write(`stepq: task ${e.taskId} failed: ${e.error}\n`);
        if (errors.length > 10)
          process.stderr.write(`stepq: ... and ${errors.length - 10} more failed tasks\n`);
        if (summary.partial > 0)
          process.stderr.write(
            `stepq: ${summary.partial} failed task(s) kept their partial tree; re-run the same command to resume them\n`,
          );
      }
      if (summary.failed > 0 || controller.signal.aborted) process.exitCode = 1;
    });
}

function importOfficial(dir: string, out: string, flags: CollectFlags): void {
  const result = importOfficialFolder(dir, out, flags.env);
  for (const bad of result.invalid) process.stderr.write(`stepq: skipped ${bad.error}\n`);
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ converted: result.converted, skipped: result.invalid.length, invalid: result.invalid })}\n`,
    );
    return;
  }
  process.stdout.write(
    `converted ${result.converted} official tree(s) into ${treesDir(out)}; skipped ${result.invalid.length} invalid file(s)\n`,
  );
}
