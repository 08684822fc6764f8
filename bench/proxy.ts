/**
 * The Q-guided proxy's own cost per request: the time it spends outside the upstream call
 * (reading the conversation, parsing and deduplicating candidates, Q-scoring, answering), at
 * client concurrency 1 and 16, against an upstream that takes 200 ms (`serve-policy
 * --latency-ms 200`, the heuristic). Two views, side by side in one run: the proxy's own
 * measurement (total minus upstream, per request), and end to end, the client's latency through
 * the proxy minus its latency straight to the upstream for the same requests.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import '../src/envs/index.js'; // registers the built-in envs
import { policyMessages } from '../src/agent/conversation.js';
import { readPairsFile, saveQModel, trainQModel } from '../src/qmodel/index.js';
import { fixture, repoRoot } from '../src/testing/shared.js';

const UPSTREAM_MS = 200;
const REQUESTS = 64;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const MESSAGES = policyMessages({
  env: 'hotpotqa',
  taskId: 'b',
  task: 'Question: Who directed the film that won the award?',
  history: [],
});

async function timed(
  client: OpenAI,
  seeds: number[],
  concurrency: number,
  n: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < seeds.length; i += concurrency) {
    await Promise.all(
      seeds.slice(i, i + concurrency).map(async (seed) => {
        const t = performance.now();
        await client.chat.completions.create({ model: 'heuristic', messages: MESSAGES, seed, n });
        out.push(performance.now() - t);
      }),
    );
  }
  return out;
}

/** Starts a stepq command (its own process, as a user runs it) and waits for its URL line. */
async function serve(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(seen);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) =>
      reject(new Error(`stepq ${args[0]} exited with ${code}: ${seen}`)),
    );
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-bench-proxy-'));
  saveQModel(
    join(dir, 'qmodel'),
    trainQModel(readPairsFile(fixture('qmodel/pairs.jsonl')), { epochs: 2 }),
  );
  const log = join(dir, 'decisions.jsonl');
  const upstream = await serve([
    'serve-policy',
    '--port',
    '0',
    '--latency-ms',
    String(UPSTREAM_MS),
  ]);
  const proxy = await serve([
    'serve-qguided',
    '--upstream',
    upstream.url,
    '--qmodel',
    join(dir, 'qmodel'),
    '--port',
    '0',
    '--n',
    '5',
    '--concurrency',
    '16',
    '--log',
    log,
  ]);
  const rows: Array<Record<string, string | number>> = [];
  try {
    const viaProxy = new OpenAI({ baseURL: proxy.url, apiKey: 'unused', maxRetries: 0 });
    const direct = new OpenAI({ baseURL: upstream.url, apiKey: 'unused', maxRetries: 0 });
    await timed(viaProxy, [1, 2, 3, 4], 4, 1); // warm-up
    for (const concurrency of [1, 16]) {
      const seeds = Array.from({ length: REQUESTS }, (_, i) => 1000 * concurrency + i);
      const before = readLog(log).length;
      const through = await timed(viaProxy, seeds, concurrency, 1);
      const own = readLog(log)
        .slice(before)
        .map((r) => r.overheadMs as number);
      // The same requests straight to the upstream, asking for the n = 5 the proxy asks for.
      const straight = await timed(direct, seeds, concurrency, 5);
      const p50 = quantile(own, 0.5);
      const p99 = quantile(own, 0.99);
      rows.push({
        concurrency,
        requests: REQUESTS,
        // Numbers, not text, so `npm run bench -- --runs K` can take their min and median.
        'proxy own p50 ms': Number(p50.toFixed(2)),
        'proxy own p99 ms': Number(p99.toFixed(2)),
        'own p50 % of 200 ms': Number(((100 * p50) / UPSTREAM_MS).toFixed(2)),
        'own p99 % of 200 ms': Number(((100 * p99) / UPSTREAM_MS).toFixed(2)),
        'client p50 via proxy ms': Number(quantile(through, 0.5).toFixed(1)),
        'client p50 direct ms': Number(quantile(straight, 0.5).toFixed(1)),
      });
    }
  } finally {
    await proxy.stop();
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    {
      title: `serve-qguided overhead per request (upstream ${UPSTREAM_MS} ms, n = 5, learned Q-value model, 1-minute load ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`,
      rows,
    },
  ];
}

function readLog(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
