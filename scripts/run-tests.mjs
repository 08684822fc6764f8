#!/usr/bin/env node
// Runs every src/**/*.test.ts with Node's own test runner.
//
// Usage: node scripts/run-tests.mjs [--isolate] [--shards N] [path-substring ...]
//
// The suite runs as JavaScript: the selected test files, the env registry and the CLI are
// bundled from the current source first (scripts/test-bundle.mjs, about a second), because
// tsx's per-process loader (resolving and transforming every module in every process, again
// in each one when its transform cache is empty) was most of the suite's CPU on 2 cores.
// One shard per core plus one (at most 4) takes files from a shared queue and imports each
// into its one process (scripts/test-shard.mjs), so the module graph loads once per shard.
//
// Tests must not leave global state behind (env names, registries, process.env); `--isolate`
// runs every file from source under tsx in its own process (`node --test`), to tell a test
// that leaks from one that fails, or a bundling difference from a bug. Every process starts
// with the built-in envs registered (src/envs/index.ts), as every entry point does (the CLI,
// the package entry).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { buildTestBundle, bundledPath } from './test-bundle.mjs';

const root = new URL('..', import.meta.url).pathname;
/** Registers the built-in envs, as every entry point does. */
const ENVS = 'src/envs/index.ts';
const PRELOAD = ['--import', 'tsx', '--import', `./${ENVS}`];
/** What tests start as CLI processes (src/cli/testing/cli.ts). */
const CLI_ENTRIES = ['src/cli/run.ts', 'src/cli/testing/cli-batch-child.ts'];
/** A shard that runs longer than this is stuck (the whole suite takes about a minute). */
const SHARD_TIMEOUT_MS = Number(process.env.STEPQ_TEST_TIMEOUT_S ?? 900) * 1000;

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function parseArgs(argv) {
  // One more shard than cores: some tests wait (servers starting, retries timing out), and a
  // third process keeps both cores busy meanwhile.
  const options = { isolate: false, shards: Math.min(4, availableParallelism() + 1) };
  const filters = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--isolate') options.isolate = true;
    else if (arg === '--shards') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) {
        console.error('run-tests: --shards must be a whole number >= 1');
        process.exit(2);
      }
      options.shards = n;
    } else filters.push(arg);
  }
  return { options, filters };
}

/**
 * A rough cost per file, to start the slow files first: its size, plus a weight for every
 * process it starts (a CLI run under tsx costs about a second of CPU).
 */
function estimatedCost(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const spawns = (text.match(/\bspawn(Sync)?\(|\brunCli(Batch)?\(|execFile/g) ?? []).length;
  return text.length + 20_000 * spawns;
}

function runIsolated(files) {
  const result = spawnSync(
    process.execPath,
    [...PRELOAD, '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit' },
  );
  return result.status ?? 1;
}

/**
 * One shard: a process that takes files from the shared queue one at a time (slow ones
 * first), so the shards stay busy until the queue is empty. Its spec output is kept and
 * printed whole, so shards do not interleave.
 */
function runShard(queue, index, count) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '--import',
        pathToFileURL(bundledPath(bundleDir, ENVS)).href,
        '--test-reporter=spec',
        'scripts/test-shard.mjs',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    let files = 0;
    child.on('message', () => {
      const file = queue.shift() ?? null;
      if (file) files++;
      child.send({ file, module: file && bundledPath(bundleDir, file) });
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\nrun-tests: shard ${index + 1} ran past ${SHARD_TIMEOUT_MS / 1000} s; stopped\n`;
      child.kill('SIGKILL');
    }, SHARD_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n# shard ${index + 1}/${count} (${files} files, ${seconds} s)\n`);
      process.stdout.write(output);
      resolve({ code: code ?? (signal ? 1 : 0), summary: readSummary(output) });
    });
  });
}

/** The spec reporter's closing counts (`ℹ pass 12`). */
function readSummary(output) {
  const counts = {};
  for (const m of output.matchAll(/^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm))
    counts[m[1]] = (counts[m[1]] ?? 0) + Number(m[2]);
  return counts;
}

const { options, filters } = parseArgs(process.argv.slice(2));
const files = findTests(join(root, 'src'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
if (options.isolate) process.exit(runIsolated(files));

const started = Date.now();
// The shards and the CLI processes tests start run a bundle of the current source.
const bundleDir = join(root, 'node_modules', '.cache', 'stepq', 'test-bundle');
rmSync(bundleDir, { recursive: true, force: true });
await buildTestBundle(root, bundleDir, [...files, ENVS, ...CLI_ENTRIES]);
process.env.STEPQ_TEST_CLI_BUNDLE = bundleDir;
const queue = files
  .map((f) => ({ f, cost: estimatedCost(f) }))
  .sort((a, b) => b.cost - a.cost)
  .map(({ f }) => f);
const shardCount = Math.min(options.shards, files.length);
const results = await Promise.all(
  Array.from({ length: shardCount }, (_, i) => runShard(queue, i, shardCount)),
);
const total = {};
for (const { summary } of results)
  for (const [k, v] of Object.entries(summary)) total[k] = (total[k] ?? 0) + v;
const failed = results.some((r) => r.code !== 0);
console.log(
  `\n# all shards: ${total.tests ?? 0} tests, ${total.pass ?? 0} passed, ${total.fail ?? 0} failed, ` +
    `${total.skipped ?? 0} skipped, ${total.cancelled ?? 0} cancelled ` +
    `(${files.length} files, ${shardCount} shards, ${((Date.now() - started) / 1000).toFixed(1)} s)` +
    (failed ? ' - FAILED' : ''),
);
for (const [i, r] of results.entries())
  if (r.code !== 0 && !(r.summary.fail > 0))
    console.log(
      `# shard ${i + 1} exited with code ${r.code} (an error outside a test: see its output)`,
    );
process.exit(failed ? 1 : 0);
