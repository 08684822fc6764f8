/**
 * Child process for the resume test: collects toy trees slowly, printing one line per
 * finished task, until it is killed. Usage: collect-child.ts <outDir> <tasks> <latencyMs>
 */
import { collectTrees } from '../collect.js';
import { createScriptedPolicy, createToyEnv } from './toy.js';

const [outDir, tasks = '6', latency = '15'] = process.argv.slice(2);
if (!outDir) throw new Error('usage: collect-child.ts <outDir> [tasks] [latencyMs]');
const taskIds = Array.from({ length: Number(tasks) }, (_, i) => `t${i % 3}-${i}`);
await collectTrees({
  env: createToyEnv({ maxDepth: 4 }),
  policy: createScriptedPolicy({ latencyMs: Number(latency) }),
  taskIds,
  outDir,
  config: { iterations: 6, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed: 1 },
  concurrency: 2,
  onTask: (event) => process.stdout.write(`${event.status} ${event.taskId}\n`),
});
process.stdout.write('finished\n');
