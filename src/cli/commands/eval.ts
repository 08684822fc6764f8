import { Command, Option } from 'commander';
import { UserError } from '../../core/errors.js';
import { runEval } from '../../eval/run.js';
import { decisionRuleNames, decisionRules, getDecisionRule } from '../../eval/decision/index.js';
import type { Algorithm } from '../../eval/trajectory.js';
import {
  addEnvOptions,
  addPolicyOptions,
  intArg,
  loadEnv,
  loadPolicy,
  selectTasks,
  type EnvFlags,
  type PolicyFlags,
} from '../options.js';
import { startProgress } from '../progress.js';
import { renderTable } from '../../text/table.js';

interface EvalFlags extends EnvFlags, PolicyFlags {
  algorithm: Algorithm;
  n: number;
  qmodel?: string;
  maxDepth?: number;
  concurrency: number;
  out?: string;
  json?: boolean;
}

export function registerEval(program: Command): void {
  const cmd = program.command('eval').description(
    'Run the agent on tasks and report success.\n' +
      decisionRules()
        .map((r) => `  ${r.name.padEnd(17)} ${r.summary}`)
        .join('\n'),
  );
  addEnvOptions(cmd);
  addPolicyOptions(cmd);
  cmd
    .addOption(
      new Option('--algorithm <name>', 'decision rule')
        .choices(decisionRuleNames())
        .default('greedy'),
    )
    .option('--n <k>', 'candidates per step (rules that sample more than one)', intArg('--n', 1), 5)
    .option(
      '--qmodel <spec>',
      'Q-value model: a folder from `stepq train`, or llm:<policy>@<url>,ref=<ref>@<url>',
    )
    .option(
      '--max-depth <d>',
      "depth limit (default: the env's: HotPotQA 7, WebShop 10)",
      intArg('--max-depth', 1),
    )
    .option('--concurrency <k>', 'episodes run in parallel', intArg('--concurrency', 1), 4)
    .option('--out <dir>', 'write trajectories.jsonl and summary.json here (a re-run resumes)')
    .option('--json', 'print one JSON summary object instead of a table')
    .action(async (flags: EvalFlags) => {
      if (getDecisionRule(flags.algorithm).needsQModel && !flags.qmodel)
        throw new UserError(
          `--algorithm ${flags.algorithm} needs --qmodel (a folder from \`stepq train\` or llm:...)`,
        );
      const bundle = await loadEnv(flags);
      const taskIds = selectTasks(bundle, flags);
      const policy = await loadPolicy(flags, bundle.env.name);
      const qmodel = flags.qmodel
        ? await (await import('../../qmodel/index.js')).loadQModel(flags.qmodel)
        : undefined;
      let successes = 0;
      const errors = new Map<string, number>();
      const progress = startProgress(`eval ${flags.algorithm}`, taskIds.length, {
        quiet: flags.json,
        fields: ['success'],
      });
      const { summary } = await runEval({
        env: bundle.env,
        policy,
        algorithm: flags.algorithm,
        n: flags.n,
        qmodel,
        maxDepth: flags.maxDepth,
        seed: flags.seed,
        taskIds,
        concurrency: flags.concurrency,
        outDir: flags.out,
        onEpisode: (t) => {
          if (t.success) successes++;
          if (t.error) errors.set(t.error, (errors.get(t.error) ?? 0) + 1);
          progress.tick(1, { success: successes });
        },
      });
      progress.stop();
      if (errors.size > 0) {
        // Episodes that could not run (e.g. the LLM failed after retries) count as failures;
        // say why, most frequent first, and exit non-zero so scripts notice.
        const lines = [...errors]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([msg, count]) => `  ${count} x ${msg}`);
        process.stderr.write(
          `stepq: ${summary.errors} episode(s) failed with an error (counted as failures):\n${lines.join('\n')}\n`,
        );
        process.exitCode = 1;
      }
      if (flags.json) {
        const {
          env,
          algorithm,
          policy: p,
          tasks,
          successRate,
          avgReward,
          f1,
          llmCalls,
          promptTokens,
          completionTokens,
          wallSeconds,
          errors,
        } = summary;
        process.stdout.write(
          `${JSON.stringify({ env, algorithm, policy: p, tasks, successRate, avgReward, f1, llmCalls, promptTokens, completionTokens, wallSeconds, errors })}\n`,
        );
        return;
      }
      process.stdout.write(
        `${renderTable([{ ...summary, qmodel: summary.qmodel ?? '-' }], ['env', 'algorithm', 'policy', 'n', 'tasks', 'successRate', 'avgReward', 'f1', 'llmCalls', 'promptTokens', 'completionTokens', 'errors', 'wallSeconds'])}\n`,
      );
      if (flags.out) process.stdout.write(`trajectories: ${flags.out}/trajectories.jsonl\n`);
    });
}
