/**
 * The example program: the arithmetic env (examples/arith), registered from outside with one
 * line (examples/register.ts), run through the whole method with stepq's public API only:
 * collect MCTS trees on the train tasks (and beam-search trees, the second search algorithm of
 * examples/search), build step-level preference pairs, train the in-process Q-value model, and
 * evaluate greedy against Q-guided on the test tasks. `npm run example` runs it against the
 * packed package.
 *
 *   node run.js [outDir]      (compiled)   or   npx tsx examples/run.ts [outDir]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPairs,
  collectTrees,
  createEnv,
  heuristicPolicy,
  pairedBootstrap,
  runEval,
  saveQModel,
  trainQModel,
  type TreeFile,
} from 'stepq';
import './register.js'; // registers the `arith` env and the `beam` search algorithm

const outDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'stepq-example-'));
const seed = 0;
const { env, tasks } = await createEnv({ env: 'arith', data: 'builtin:arith:200', seed });
const policy = heuristicPolicy('arith');
const train = tasks.splits.train ?? [];
const test = tasks.splits.test ?? [];

// 1. Collect: MCTS on the train tasks; every tree is kept for the pairs.
const trees: TreeFile[] = [];
const collected = await collectTrees({
  env,
  policy,
  taskIds: train,
  outDir: join(outDir, 'collect'),
  config: { maxDepth: env.maxDepth, seed, iterations: 20, n: 4 },
  concurrency: 4,
  onTask: (event) => event.tree && trees.push(event.tree),
});
// The second algorithm, through the same interface, on a few tasks.
const beam = await collectTrees({
  env,
  policy,
  taskIds: train.slice(0, 10),
  outDir: join(outDir, 'collect-beam'),
  algorithm: 'beam',
  config: { maxDepth: env.maxDepth, seed, width: 2, n: 3 },
  concurrency: 4,
});

// 2. Pairs: step-level preferences between siblings (in task order, so training reproduces).
// All siblings rather than the best path only: these trees are small, and more pairs help.
trees.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
const pairs = trees.flatMap((tree) => buildPairs(tree, { strategy: 'all-siblings', minGap: 0 }));

// 3. Train the in-process Q-value model with step-level DPO.
const training = trainQModel(pairs, { seed });
saveQModel(join(outDir, 'qmodel'), training);

// 4. Act: greedy against Q-guided (n = 4 candidates per step) on the test tasks.
const runs: Record<string, number[]> = {};
for (const algorithm of ['greedy', 'qguided']) {
  const { trajectories } = await runEval({
    env,
    policy,
    algorithm,
    n: 4,
    qmodel: training.model,
    seed,
    taskIds: test,
    concurrency: 4,
    outDir: join(outDir, 'eval', algorithm),
  });
  runs[algorithm] = trajectories.map((t) => (t.success ? 1 : 0));
}
const boot = pairedBootstrap(runs, { seed });

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`run folder: ${outDir}`);
console.log(
  `collect (mcts): ${collected.solved}/${collected.tasks} train tasks solved, ${collected.nodes} nodes;` +
    ` beam: ${beam.solved}/${beam.tasks} solved, ${beam.nodes} nodes`,
);
const best = training.history.find((h) => h.epoch === training.bestEpoch);
const heldOut = best?.heldOutAccuracy;
console.log(
  `pairs: ${pairs.length}; trained ${training.history.length} epochs, held-out pair accuracy ${heldOut == null ? 'n/a' : pct(heldOut)}`,
);
const ci = (i: { mean: number; low: number; high: number }) =>
  `${pct(i.mean)} [${pct(i.low)}, ${pct(i.high)}]`;
for (const [name, interval] of Object.entries(boot.arms))
  console.log(`${name}: ${ci(interval)} success on ${test.length} test tasks`);
console.log(`qguided - greedy: ${ci(boot.diff('qguided', 'greedy'))}`);
const failed = collected.failed + beam.failed;
if (failed > 0 || pairs.length === 0) {
  console.error(`example failed: ${failed} searches failed, ${pairs.length} pairs`);
  process.exit(1);
}
