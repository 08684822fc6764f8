/**
 * End to end through the fault proxy (src/testing/fault-proxy.ts): the embedded heuristic
 * served by serve-policy, reached through a proxy that injects faults. Retryable faults
 * only: the same episodes as a clean run. Unrecoverable faults: counted as errors, apart
 * from agent failures; a re-run against the healthy server completes to the clean result.
 * A server that echoes the Authorization header leaves no secret in any file or on stderr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHeuristicPolicy } from '../agent/heuristic/index.js';
import { createPolicy } from '../cli/specs.js';
import { createEnvBundle } from '../envs/index.js';
import { startPolicyServer } from '../llm/serve-policy.js';
import { RETRYABLE_FAULTS, startFaultProxy, type FaultProxy } from '../testing/fault-proxy.js';
import { cliEntryArgs } from '../cli/testing/cli.js';
import { repoRoot } from '../testing/shared.js';
import { runEval, type EvalOptions } from './run.js';
import type { Trajectory } from './trajectory.js';

const SECRET = 'sk-test-fault-proxy-0123456789';

async function setUp(t: { after: (fn: () => Promise<void> | void) => void }) {
  const upstream = await startPolicyServer({
    policyFor: createHeuristicPolicy,
    env: 'hotpotqa',
    port: 0,
  });
  t.after(() => upstream.close());
  const proxy = await startFaultProxy({
    upstream: upstream.baseUrl,
    retryAfterMs: 5,
    maxHangMs: 5_000,
  });
  t.after(() => proxy.close());
  const bundle = await createEnvBundle({ env: 'hotpotqa', data: 'builtin:synthetic:60', seed: 0 });
  const taskIds = (bundle.tasks.splits.test ?? []).slice(0, 6);
  return { upstream, proxy, bundle, taskIds };
}

async function evalVia(
  baseUrl: string,
  setup: Awaited<ReturnType<typeof setUp>>,
  extra: Partial<EvalOptions> = {},
) {
  const policy = await createPolicy('openai:heuristic', {
    env: 'hotpotqa',
    baseUrl,
    apiKey: SECRET,
    timeoutMs: 300,
    maxRetries: 3,
    retryBaseMs: 1,
    concurrency: 4,
  });
  return runEval({
    env: setup.bundle.env,
    policy,
    algorithm: 'best-of-n-random',
    n: 3,
    seed: 4,
    taskIds: setup.taskIds,
    concurrency: 3,
    ...extra,
  });
}

/** What an episode decided and got, without timings. */
const outcome = (ts: readonly Trajectory[]) =>
  ts.map((t) => ({
    task: t.taskId,
    steps: t.steps.map((s) => [s.candidates.map((c) => c.action), s.chosen, s.observation]),
    reward: t.reward,
    success: t.success,
    calls: t.usage.calls,
    error: t.error ?? null,
  }));

test('only retryable faults (429, 500, hang, non-JSON, empty or short choices): the same episodes as a clean run', async (t) => {
  const setup = await setUp(t);
  const clean = await evalVia(setup.upstream.baseUrl, setup);
  assert.equal(clean.summary.errors, 0);
  // Every other first try gets the next fault kind in turn, so each kind is met.
  let turn = 0;
  setup.proxy.setFaults((c) =>
    c.attempt === 0 && c.index % 2 === 0
      ? RETRYABLE_FAULTS[turn++ % RETRYABLE_FAULTS.length]
      : undefined,
  );
  const faulty = await evalVia(setup.proxy.baseUrl, setup);
  const injected = Object.values(setup.proxy.injected).reduce((a, b) => a + (b ?? 0), 0);
  assert.ok(injected >= 6, `faults injected: ${JSON.stringify(setup.proxy.injected)}`);
  assert.deepEqual(
    Object.keys(setup.proxy.injected).sort(),
    [...RETRYABLE_FAULTS].sort(),
    'every retryable kind was injected',
  );
  assert.equal(faulty.summary.errors, 0);
  assert.deepEqual(outcome(faulty.trajectories), outcome(clean.trajectories));
});

test('unrecoverable faults are counted as errors; a re-run against the healthy server completes to the clean result; no secret on disk', async (t) => {
  const setup = await setUp(t);
  const out = mkdtempSync(join(tmpdir(), 'stepq-fault-e2e-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const clean = await evalVia(setup.upstream.baseUrl, setup);
  // Some requests fail on every try: an echoing 400 (not retried) or a 500 that never clears.
  setup.proxy.setFaults((c) => {
    const x = parseInt(c.bodyHash.slice(0, 8), 16) % 7;
    return x === 0 ? 'echo-auth' : x === 1 ? 'server-error' : undefined;
  });
  const faulty = await evalVia(setup.proxy.baseUrl, setup, { outDir: out });
  assert.ok(faulty.summary.errors > 0, 'some episodes could not run');
  assert.ok(faulty.summary.errors < setup.taskIds.length, 'not all of them');
  assert.ok((setup.proxy.injected['echo-auth'] ?? 0) > 0);
  for (const t of faulty.trajectories.filter((x) => x.error))
    assert.match(t.error ?? '', /LLM request to .* failed \(HTTP (400|500)\)/);
  // An errored episode is an error, not one of the agent's failures: both are in the summary.
  assert.equal(
    faulty.summary.errors,
    faulty.trajectories.filter((x) => x.error && !x.success).length,
  );

  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  for (const file of files(out)) {
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(SECRET), `${file} holds the API key`);
    assert.ok(!/Bearer [^[]/.test(text), `${file} holds an Authorization value`);
  }

  // The healthy server: the errored tasks are run again, the others kept; the clean result.
  const healed = await evalVia(setup.upstream.baseUrl, setup, { outDir: out });
  assert.equal(healed.summary.errors, 0);
  assert.deepEqual(outcome(healed.trajectories), outcome(clean.trajectories));
});

function stepq(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [...cliEntryArgs('run'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('stepq eval through an echoing server: no secret on stderr; 401s stop the run with one line', async (t) => {
  const setup = await setUp(t);
  const proxy: FaultProxy = setup.proxy;
  const out = mkdtempSync(join(tmpdir(), 'stepq-fault-cli-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  proxy.setFaults(() => 'echo-auth');
  const args = [
    'eval',
    '--data',
    'builtin:synthetic:60',
    '--tasks',
    '0-2',
    '--policy',
    'openai:heuristic',
    '--base-url',
    `${proxy.baseUrl}?api-key=query-secret-987654`,
    '--retries',
    '0',
    '--out',
    out,
  ];
  const echoed = await stepq(args, { OPENAI_API_KEY: SECRET });
  assert.equal(echoed.code, 1, echoed.stderr);
  assert.match(echoed.stderr, /episode\(s\) failed with an error/);
  for (const secret of [SECRET, 'query-secret-987654'])
    assert.ok(!echoed.stderr.includes(secret) && !echoed.stdout.includes(secret), echoed.stderr);

  proxy.setFaults(() => 'unauthorized');
  const denied = await stepq([...args.slice(0, -2), '--out', join(out, 'denied')], {
    OPENAI_API_KEY: SECRET,
  });
  assert.equal(denied.code, 2, denied.stderr);
  const lines = denied.stderr.trim().split('\n');
  assert.equal(lines.length, 1, denied.stderr);
  assert.match(
    lines[0] ?? '',
    /^stepq: stopping: 3 LLM requests in a row could not be served .*HTTP 401/,
  );
});
