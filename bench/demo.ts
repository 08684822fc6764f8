/**
 * `stepq demo` wall time and peak memory, this checkout against baselines, side by side:
 * runs alternate between checkouts (so drifting machine load hits them alike), each run a
 * fresh process of the checkout's built CLI (bin/stepq.js -> dist/), with peak RSS read by
 * that process at exit. Results are compared by content (src/testing/run-digest.ts).
 *
 *   STEPQ_BENCH_BASELINES=/path/to/old/stepq[,...]  built checkouts to compare against
 *   STEPQ_BENCH_RUNS=3                             runs per checkout and configuration
 *   STEPQ_BENCH_DEMO_ARGS='--quick'                extra demo flags (default: none)
 *
 * This checkout is rebuilt first (`npm run build`), so its dist/ matches its source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDigest } from '../src/testing/run-digest.js';
import { median } from './stats.js';

interface BenchTable {
  title: string;
  rows: Array<Record<string, string | number>>;
}

const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CHILD = fileURLToPath(new URL('./demo-child.mjs', import.meta.url));

interface Measurement {
  seconds: number;
  peakMiB: number;
  digest: string;
}

function measure(checkout: string, args: readonly string[]): Measurement {
  const out = mkdtempSync(join(tmpdir(), 'stepq-bench-demo-'));
  const rssFile = join(out, 'peak-rss.json');
  try {
    const started = performance.now();
    const r = spawnSync(
      process.execPath,
      [CHILD, join(checkout, 'dist', 'cli', 'main.js'), rssFile, 'demo', ...args, '--out', out],
      { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const seconds = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`${checkout}: demo exited ${r.status}: ${r.stderr}`);
    const { maxRssKiB } = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number };
    return { seconds, peakMiB: maxRssKiB / 1024, digest: JSON.stringify(runDigest(out)) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** This module alternates its own runs (STEPQ_BENCH_RUNS), so `--runs` does not repeat it. */
export const repeatsItself = true;

export async function run(): Promise<BenchTable[]> {
  const baselines = (process.env.STEPQ_BENCH_BASELINES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => resolve(p));
  for (const b of baselines)
    if (!existsSync(join(b, 'dist', 'cli', 'main.js')))
      throw new Error(`${b}: no dist/cli/main.js (run npm ci or npm run build there)`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: here, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  const runs = Number(process.env.STEPQ_BENCH_RUNS ?? 3);
  const extra = (process.env.STEPQ_BENCH_DEMO_ARGS ?? '').split(/\s+/).filter(Boolean);
  const checkouts = [...baselines, here];
  const tables: BenchTable[] = [];
  const configs = process.env.STEPQ_BENCH_ENVS?.split(',') ?? ['hotpotqa', 'webshop'];
  for (const config of configs.map((e) => (e === 'hotpotqa' ? [] : ['--env', e]))) {
    const args = [...config, ...extra];
    const load = loadavg()[0] ?? 0;
    const results = new Map<string, Measurement[]>(checkouts.map((c) => [c, []]));
    for (let i = 0; i < runs; i++)
      for (const c of i % 2 ? [...checkouts].reverse() : checkouts)
        results.get(c)?.push(measure(c, args));
    const current = results.get(here) ?? [];
    const currentMedian = median(current.map((m) => m.seconds));
    tables.push({
      title:
        `stepq demo ${args.join(' ')} (${runs} runs each, alternating; ` +
        `load average ${load.toFixed(2)} -> ${(loadavg()[0] ?? 0).toFixed(2)})`,
      rows: checkouts.map((c) => {
        const ms = results.get(c) ?? [];
        const seconds = ms.map((m) => m.seconds);
        return {
          checkout: c === here ? `${c} (this)` : c,
          'wall min s': Number(Math.min(...seconds).toFixed(1)),
          'wall median s': Number(median(seconds).toFixed(1)),
          'this / it (median)': Number((currentMedian / median(seconds)).toFixed(2)),
          'peak RSS median MiB': Math.round(median(ms.map((m) => m.peakMiB))),
          'runs reproduce': ms.every((m) => m.digest === ms[0]?.digest) ? 'yes' : 'NO',
          'same results as this': ms[0]?.digest === current[0]?.digest ? 'yes' : 'no',
        };
      }),
    });
  }
  return tables;
}
