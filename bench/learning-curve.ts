/**
 * `npm run bench -- learning-curve`: how Q-guided acting pays as the number of training
 * tasks grows. On the built-in HotPotQA world and the generated shop (the demo's data),
 * MCTS trees are collected once on the largest train set; for each size the Q-value model
 * is trained on the trees of the first `size` train tasks and evaluated on the same test
 * tasks. The baselines (greedy, majority, best-of-n-random, every registered rule without
 * a Q-value model) do not depend on the size and run once. Paired 95% bootstrap intervals
 * of Q-guided minus each.
 *
 * Settings (environment variables, for a shorter run): STEPQ_LC_ENVS=hotpotqa,webshop,
 * STEPQ_LC_SIZES=50,100,200,400,900, STEPQ_LC_TEST=600, STEPQ_LC_DIR=<folder> keeps trees
 * and baseline trajectories there for re-runs (default: a temporary folder, removed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvBundle } from '../src/envs/index.js';
import { createHeuristicPolicy } from '../src/agent/heuristic/index.js';
import { collectTrees } from '../src/search/collect.js';
import { buildPairs } from '../src/data/pairs.js';
import { treeFileName, type TreeFile } from '../src/data/tree.js';
import { toTrainingPair, trainQModel } from '../src/qmodel/index.js';
import { runEval } from '../src/eval/run.js';
import { pairedBootstrap, type Interval } from '../src/eval/stats.js';
import { REFERENCE_RULE, decisionRules } from '../src/eval/decision/index.js';

type Row = Record<string, string | number>;

const DATA: Record<string, string> = {
  hotpotqa: 'builtin:synthetic:1500',
  webshop: 'builtin:shop:4000',
};
const list = (v: string | undefined, d: string) => (v ?? d).split(',').filter(Boolean);
const pct = (x: number) => (100 * x).toFixed(1);
const diff = (i: Interval) => `${pct(i.mean)} [${pct(i.low)}, ${pct(i.high)}]`;
const acc = (x: number | null) => (x === null ? '-' : pct(x));

export async function run(): Promise<Array<{ title: string; rows: Row[] }>> {
  const envs = list(process.env.STEPQ_LC_ENVS, 'hotpotqa,webshop');
  const sizes = list(process.env.STEPQ_LC_SIZES, '50,100,200,400,900').map(Number);
  const testSize = Number(process.env.STEPQ_LC_TEST ?? 600);
  const keep = process.env.STEPQ_LC_DIR;
  const root = keep ?? mkdtempSync(join(tmpdir(), 'stepq-learning-curve-'));
  const seed = 0;
  const config = { iterations: 30, n: 5, c: 1.41, earlyStop: false, seed };
  const tables: Array<{ title: string; rows: Row[] }> = [];
  try {
    for (const name of envs) {
      const started = performance.now();
      const bundle = await createEnvBundle({ env: name, data: DATA[name], seed });
      const env = bundle.env;
      const policy = createHeuristicPolicy(env.name);
      const trainAll = (bundle.tasks.splits.train ?? []).slice(0, Math.max(...sizes));
      const test = (bundle.tasks.splits.test ?? []).slice(0, testSize);
      const dir = join(root, name);
      const trees: TreeFile[] = [];
      await collectTrees({
        env,
        policy,
        taskIds: trainAll,
        outDir: join(dir, 'collect'),
        config: { ...config, maxDepth: env.maxDepth },
        concurrency: 4,
        onTask: (event) => {
          if (event.tree) trees.push(event.tree);
        },
      });
      const treeOf = new Map(trees.map((t) => [t.taskId, t]));
      const perTask: Record<string, number[]> = {};
      const evalRule = async (rule: string, qmodel?: Parameters<typeof runEval>[0]['qmodel']) =>
        (
          await runEval({
            env,
            policy,
            algorithm: rule,
            n: config.n,
            ...(qmodel ? { qmodel } : {}),
            maxDepth: env.maxDepth,
            seed,
            taskIds: test,
            concurrency: 4,
            // Baselines do not depend on the model: kept (and resumed) under STEPQ_LC_DIR.
            ...(qmodel ? {} : { outDir: join(dir, 'eval', rule) }),
          })
        ).trajectories.map((t) => (t.success ? 1 : 0));
      const baselines = decisionRules().filter((r) => !r.needsQModel);
      for (const rule of baselines) perTask[rule.name] = await evalRule(rule.name);
      const rows: Row[] = [];
      for (const wanted of sizes) {
        const size = Math.min(wanted, trainAll.length);
        const ids = trainAll.slice(0, size);
        const pairs = ids
          .map((id) => treeOf.get(id))
          .filter((t): t is TreeFile => t !== undefined)
          .sort((a, b) => (treeFileName(a.taskId) < treeFileName(b.taskId) ? -1 : 1))
          .flatMap((t) => buildPairs(t, { strategy: 'best-path', minGap: 0 }));
        const training = trainQModel(pairs.map(toTrainingPair), { seed });
        const arms = {
          ...perTask,
          [REFERENCE_RULE]: await evalRule(REFERENCE_RULE, training.model),
        };
        const boot = pairedBootstrap(arms, { seed });
        const row: Row = {
          'train tasks': size === wanted ? size : `${size} (all)`,
          pairs: pairs.length,
          regime: training.decision.regime,
          'held-out acc Q / votes / mix %': `${acc(training.evaluation.reportAccuracy)} / ${acc(training.evaluation.priorAccuracy)} / ${acc(training.evaluation.mixedAccuracy)}`,
        };
        for (const rule of [...baselines.map((r) => r.name), REFERENCE_RULE])
          row[`${rule} %`] = pct(boot.arms[rule]?.mean ?? NaN);
        for (const rule of baselines)
          row[`${REFERENCE_RULE} − ${rule.name} (points)`] = diff(
            boot.diff(REFERENCE_RULE, rule.name),
          );
        rows.push(row);
        if (size < wanted) break;
      }
      tables.push({
        title: `learning curve: ${name} (${bundle.source}; ${test.length} test tasks, ${((performance.now() - started) / 1000).toFixed(0)} s)`,
        rows,
      });
    }
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
  return tables;
}
