/**
 * MCTS benchmarks: (1) the search's own cost per stored node with an instant policy and
 * an instant env (selection, expansion, backup, prompt building, parsing, state copies);
 * (2) `stepq collect` (the CLI, its default flags) at task concurrency 1, 4 and 16 against the
 * served heuristic policy with 200 ms per LLM request, as a ratio to the ideal
 * (requests x latency / K).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Mcts } from '../src/search/mcts.js';
import { createScriptedPolicy, createToyEnv } from '../src/search/testkit/toy.js';

interface BenchTable {
  title: string;
  rows: Array<Record<string, string | number>>;
}

async function bookkeeping(): Promise<BenchTable> {
  const rows: BenchTable['rows'] = [];
  for (const { n, maxDepth, iterations } of [
    { n: 3, maxDepth: 4, iterations: 100 },
    { n: 5, maxDepth: 7, iterations: 300 },
    { n: 5, maxDepth: 10, iterations: 1000 },
  ]) {
    const tasks = ['t2', 't3', 't4', 't5'];
    // Warm-up (one full-size search) so JIT compilation is not in the measured part.
    await new Mcts(
      { env: createToyEnv({ maxDepth }), policy: createScriptedPolicy() },
      { iterations, n, c: 1.41, maxDepth, earlyStop: false, seed: 99 },
    ).search('t2');
    let nodes = 0;
    let steps = 0;
    let calls = 0;
    const started = performance.now();
    for (const task of tasks) {
      const env = createToyEnv({ maxDepth });
      const tree = await new Mcts(
        { env, policy: createScriptedPolicy() },
        { iterations, n, c: 1.41, maxDepth, earlyStop: false, seed: 1 },
      ).search(task);
      nodes += tree.stats.nodes;
      steps += env.steps;
      calls += tree.stats.llmCalls ?? 0;
    }
    const ms = performance.now() - started;
    rows.push({
      n,
      maxDepth,
      'iterations/task': iterations,
      tasks: tasks.length,
      nodes,
      'env steps': steps,
      'policy calls': calls,
      'total ms': Number(ms.toFixed(1)),
      'µs/node': Number(((ms * 1000) / nodes).toFixed(1)),
      'µs/env step': Number(((ms * 1000) / steps).toFixed(1)),
      // The same searches with a 200 ms LLM: bookkeeping time / (bookkeeping + LLM time).
      'share of wall at 200 ms/call': `${((100 * ms) / (ms + calls * 200)).toFixed(3)}%`,
    });
  }
  return { title: 'MCTS bookkeeping (instant scripted policy, instant toy env)', rows };
}

interface CollectJson {
  tasks: number;
  llmCalls: number;
  wallSeconds: number;
}

/** `stepq collect ... --json` from source in its own process (the server stays in this one). */
function collectWithCli(args: string[], env: Record<string, string>): Promise<CollectJson> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as CollectJson)
        : reject(new Error(`stepq collect exited ${code}: ${stderr}`)),
    );
  });
}

async function concurrency(): Promise<BenchTable | undefined> {
  const serveFile = fileURLToPath(new URL('../src/llm/serve-policy.ts', import.meta.url));
  if (!existsSync(serveFile)) return undefined;
  const { startPolicyServer } = (await import(
    pathToFileURL(serveFile).href
  )) as typeof import('../src/llm/serve-policy.js');
  const { createHeuristicPolicy } = await import('../src/agent/heuristic/index.js');
  const latencyMs = 200;
  const server = await startPolicyServer({
    policyFor: createHeuristicPolicy,
    env: 'hotpotqa',
    port: 0,
    latencyMs,
  });
  const rows: BenchTable['rows'] = [];
  try {
    // Tasks are sequential chains of requests of uneven length: with as many tasks as
    // workers, wall time is the longest chain, not total/K. Give each worker 6 tasks.
    const tasksPerWorker = 6;
    for (const k of [1, 4, 16]) {
      const out = mkdtempSync(join(tmpdir(), 'stepq-bench-mcts-'));
      try {
        // The CLI as a user runs it, with its defaults: no --llm-concurrency, so the LLM
        // limit follows --concurrency.
        const summary = await collectWithCli(
          [
            'collect',
            '--policy',
            'openai:heuristic',
            '--base-url',
            server.baseUrl,
            '--data',
            'builtin:synthetic',
            '--tasks',
            `0-${k * tasksPerWorker - 1}`,
            '--concurrency',
            String(k),
            '--iterations',
            '2',
            '--n',
            '3',
            '--max-depth',
            '4',
            '--out',
            out,
            '--json',
          ],
          { OPENAI_API_KEY: 'unused' },
        );
        const ideal = (summary.llmCalls * latencyMs) / 1000 / k;
        rows.push({
          concurrency: k,
          tasks: summary.tasks,
          'LLM requests': summary.llmCalls,
          'wall s': Number(summary.wallSeconds.toFixed(2)),
          'ideal s': Number(ideal.toFixed(2)),
          'wall / ideal': Number((summary.wallSeconds / ideal).toFixed(2)),
        });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  return {
    title: `collect wall time vs task concurrency (served heuristic policy, ${latencyMs} ms per request, HotPotQA builtin:synthetic, 6 tasks per worker x 2 iterations, n 3, depth 4)`,
    rows,
  };
}

export async function run(): Promise<BenchTable[]> {
  const tables = [await bookkeeping()];
  const conc = await concurrency();
  if (conc) tables.push(conc);
  return tables;
}
