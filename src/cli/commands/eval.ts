import { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { runEval } from '../../eval/run.js';
import { decisionRules, getDecisionRule } from '../../eval/decision/index.js';
import { withChanges } from '../../core/settings.js';
import { CONCURRENCY_SETTINGS, EVAL_SETTINGS } from '../../eval/settings.js';
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

interface EvalFlags extends EnvFlags, PolicyFlags {
  qmodel?: string;
  out?: string;
  fresh?: boolean;
  json?: boolean;
}

export function registerEval(program: Command): void {
  const cmd = program
    .command('eval')
    .summary('run the agent on tasks with a decision rule (step 4)')
    .description(
      'Run the agent on tasks and report success. Decision rules:\n' +
        decisionRules()
          .map((r) => `  ${r.name.padEnd(17)} ${r.summary}`)
          .join('\n'),
    );
  addExamples(
    cmd,
    'stepq eval --tasks 0-49 --seed 0 --json',
    'stepq eval --algorithm qguided --qmodel runs/demo/qmodel --split test --out runs/e1',
  );
  addEnvOptions(cmd);
  addPolicyOptions(cmd);
  const evalSettings = addSettings(cmd, EVAL_SETTINGS);
  const parallel = addSettings(cmd, {
    concurrency: withChanges(CONCURRENCY_SETTINGS.concurrency, {
      help: 'episodes run in parallel',
    }),
  });
  cmd
    .option(
      '--qmodel <spec>',
      'Q-value model: a folder from `stepq train`, or llm:<policy>@<url>,ref=<ref>@<url>',
    )
    .option('--out <dir>', 'write trajectories.jsonl and summary.json here (a re-run resumes)')
    .option('--fresh', FRESH_HELP)
    .option('--json', 'print one JSON summary object instead of a table')
    .action(async (flags: EvalFlags & Record<string, unknown>) => {
      const settings = evalSettings(flags);
      if (getDecisionRule(settings.algorithm).needsQModel && !flags.qmodel)
        throw new UserError(
          `--algorithm ${settings.algorithm} needs --qmodel (a folder from \`stepq train\` or llm:...)`,
        );
      const bundle = await loadEnv(flags);
      const taskIds = selectTasks(bundle, flags);
      const policy = await loadPolicy(flags, bundle.env.name, cmd, parallel(flags).concurrency);
      const qmodel = flags.qmodel
        ? await (
            await import('../specs.js')
          ).loadQModel(flags.qmodel, {
            apiKey: process.env.OPENAI_API_KEY,
          })
        : undefined;
      let successes = 0;
      const errors = new Map<string, number>();
      const progress = startProgress(`eval ${settings.algorithm}`, taskIds.length, {
        quiet: flags.json,
        fields: ['success'],
      });
      const { summary } = await runEval({
        env: bundle.env,
        policy,
        ...settings,
        qmodel,
        seed: flags.seed,
        taskIds,
        concurrency: parallel(flags).concurrency,
        outDir: flags.out,
        settings: runIdentity(flags, flags.qmodel),
        fresh: flags.fresh,
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
