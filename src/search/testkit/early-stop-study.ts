/**
 * Early stop vs full budget on HotPotQA builtin:synthetic with the heuristic policy
 * (the numbers in docs/tree-format.md). Offline, about a minute per (tasks, seed) on 2 cores.
 * Usage: node --import tsx src/search/testkit/early-stop-study.ts [from-to seed] ...
 *   e.g. 0-49 0  50-99 1
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHeuristicPolicy } from '../../agent/heuristic/index.js';
import { createEnvBundle } from '../../envs/index.js';
import { pairSelections, readTreeFolder } from '../../data/pairs.js';
import { renderMarkdownTable } from '../../text/table.js';
import { collectTrees } from '../collect.js';
import { pairAgreement } from '../pair-quality.js';

const args = process.argv.slice(2);
const runs: Array<{ from: number; to: number; seed: number }> = [];
for (let i = 0; i + 1 < args.length; i += 2) {
  const [from, to] = (args[i] as string).split('-').map(Number);
  runs.push({ from: from as number, to: to as number, seed: Number(args[i + 1]) });
}
if (runs.length === 0) runs.push({ from: 0, to: 49, seed: 0 }, { from: 50, to: 99, seed: 1 });

const bundle = await createEnvBundle({ env: 'hotpotqa', data: 'builtin:synthetic', seed: 0 });
const rows = [];
for (const run of runs) {
  for (const earlyStop of [false, true]) {
    const policy = createHeuristicPolicy('hotpotqa');
    const out = mkdtempSync(join(tmpdir(), 'stepq-early-stop-'));
    try {
      const summary = await collectTrees({
        env: bundle.env,
        policy,
        outDir: out,
        concurrency: 2,
        taskIds: bundle.tasks.ids.slice(run.from, run.to + 1),
        config: {
          iterations: 30,
          n: 5,
          c: 1.41,
          maxDepth: bundle.env.maxDepth,
          earlyStop,
          seed: run.seed,
        },
      });
      const { trees } = readTreeFolder(out);
      const treesWithPairs = trees.filter(
        (t) => pairSelections(t, { strategy: 'best-path', minGap: 0 }).length > 0,
      ).length;
      const agreement = await pairAgreement(bundle.env, policy, trees, {
        strategy: 'best-path',
        minGap: 0,
        rollouts: 20,
        seed: 12345,
      });
      rows.push({
        tasks: `${run.from}-${run.to}`,
        seed: run.seed,
        mode: earlyStop ? 'early stop' : 'full budget',
        solved: summary.solved,
        llmCalls: summary.llmCalls,
        pairs: summary.pairsAvailable,
        'tasks with pairs': treesWithPairs,
        'MC agrees': agreement.agree,
        'MC ties': agreement.ties,
        'MC disagrees': agreement.disagree,
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
}
console.log(renderMarkdownTable(rows));
