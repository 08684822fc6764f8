import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHeuristicPolicy } from '../agent/heuristic/index.js';
import { createPolicy } from '../cli/specs.js';
import { createEnvBundle } from '../envs/index.js';
import { runEval } from '../eval/run.js';
import { startPolicyServer } from '../llm/serve-policy.js';
import { firstTryFaults, startFaultProxy } from './fault-proxy.js';

test('a reply without an Action line is the agent failing, not an error', async (t) => {
  const upstream = await startPolicyServer({
    policyFor: createHeuristicPolicy,
    env: 'hotpotqa',
    port: 0,
  });
  t.after(() => upstream.close());
  const proxy = await startFaultProxy({ upstream: upstream.baseUrl, faults: () => 'no-action' });
  t.after(() => proxy.close());
  const bundle = await createEnvBundle({ env: 'hotpotqa', data: 'builtin:synthetic:30', seed: 0 });
  const policy = await createPolicy('openai:heuristic', {
    env: 'hotpotqa',
    baseUrl: proxy.baseUrl,
    maxRetries: 0,
  });
  const run = await runEval({
    env: bundle.env,
    policy,
    algorithm: 'greedy',
    n: 1,
    seed: 0,
    taskIds: bundle.tasks.ids.slice(0, 2),
    concurrency: 2,
  });
  assert.equal(run.summary.errors, 0);
  assert.equal(run.summary.successRate, 0);
  assert.ok(run.trajectories.every((tr) => tr.steps.every((s) => !s.valid)));
  assert.ok((proxy.injected['no-action'] ?? 0) > 0);
});

test('the proxy forwards only to loopback, and firstTryFaults never faults a retry', async () => {
  await assert.rejects(startFaultProxy({ upstream: 'http://example.com/v1' }), /not a loopback/);
  const pick = firstTryFaults(['server-error'], 1);
  assert.equal(pick({ index: 0, attempt: 0, bodyHash: '0'.repeat(64), body: {} }), 'server-error');
  assert.equal(pick({ index: 1, attempt: 1, bodyHash: '0'.repeat(64), body: {} }), undefined);
});
