/**
 * End to end over HTTP: the embedded heuristic served by `serve-policy` and reached through
 * the OpenAI-compatible backend gives the same episodes and MCTS trees as the in-process
 * policy (the seed travels in the request), for eval and for collect + pairs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHeuristicPolicy } from '../agent/heuristic/index.js';
import { createPolicy } from '../cli/specs.js';
import { createEnvBundle } from '../envs/index.js';
import { startPolicyServer } from '../llm/serve-policy.js';
import { collectTrees } from '../search/collect.js';
import { buildPairs, readTreeFolder } from '../data/pairs.js';
import type { TreeNode } from '../data/tree.js';
import { sharedData, skipUnlessShared } from '../testing/shared.js';
import { runEval } from './run.js';

const REAL = 'hotpotqa/hotpot_dev_distractor_first100.json';

async function withServer<T>(fn: (baseUrl: string) => Promise<T>): Promise<T> {
  const server = await startPolicyServer({
    policyFor: createHeuristicPolicy,
    env: 'hotpotqa',
    port: 0,
    latencyMs: 0,
  });
  try {
    return await fn(server.baseUrl);
  } finally {
    await server.close();
  }
}

function httpPolicy(baseUrl: string) {
  return createPolicy('openai:heuristic', {
    env: 'hotpotqa',
    baseUrl,
    apiKey: 'unused',
    temperature: 1,
    topP: 0.9,
    maxTokens: 256,
    concurrency: 4,
    timeoutMs: 10_000,
    maxRetries: 0,
  });
}

/** The decisions of a tree: every node's action and observation, depth first. */
function shape(node: TreeNode): unknown {
  return {
    a: node.action,
    o: node.observation,
    v: node.visits,
    q: node.q,
    c: node.children.map(shape),
  };
}

test('greedy eval over HTTP through serve-policy equals the in-process run', async () => {
  const bundle = await createEnvBundle({ env: 'hotpotqa', data: 'builtin:synthetic:60', seed: 0 });
  const taskIds = (bundle.tasks.splits.test ?? []).slice(0, 8);
  const direct = await runEval({
    env: bundle.env,
    policy: createHeuristicPolicy('hotpotqa'),
    algorithm: 'greedy',
    n: 1,
    seed: 3,
    taskIds,
    concurrency: 2,
  });
  const remote = await withServer(async (url) =>
    runEval({
      env: bundle.env,
      policy: await httpPolicy(url),
      algorithm: 'greedy',
      n: 1,
      seed: 3,
      taskIds,
      concurrency: 2,
    }),
  );
  assert.equal(remote.summary.errors, 0);
  assert.ok(
    remote.summary.llmCalls > 0 && remote.summary.promptTokens > 0,
    'usage is reported by the server',
  );
  const actions = (r: typeof direct) =>
    r.trajectories.map((t) => t.steps.map((s) => s.candidates[s.chosen]?.action));
  assert.deepEqual(actions(remote), actions(direct));
  assert.equal(remote.summary.successRate, direct.summary.successRate);
});

async function collectBoth(data: string, tasks: number) {
  const bundle = await createEnvBundle({ env: 'hotpotqa', data, seed: 0 });
  const taskIds = bundle.tasks.ids.slice(0, tasks);
  const config = { iterations: 6, n: 4, c: 1.41, maxDepth: 7, earlyStop: false, seed: 5 };
  const directDir = mkdtempSync(join(tmpdir(), 'stepq-direct-'));
  const remoteDir = mkdtempSync(join(tmpdir(), 'stepq-remote-'));
  await collectTrees({
    env: bundle.env,
    policy: createHeuristicPolicy('hotpotqa'),
    taskIds,
    outDir: directDir,
    config,
    concurrency: 2,
  });
  const summary = await withServer(async (url) =>
    collectTrees({
      env: bundle.env,
      policy: await httpPolicy(url),
      taskIds,
      outDir: remoteDir,
      config,
      concurrency: 2,
    }),
  );
  return { summary, direct: readTreeFolder(directDir), remote: readTreeFolder(remoteDir), tasks };
}

for (const [name, data, skip] of [
  ['the built-in synthetic world', 'builtin:synthetic:60', false],
  ['hotpot_dev_distractor_first100.json', sharedData(REAL) ?? '', skipUnlessShared(REAL)],
] as const) {
  test(`collect + pairs over HTTP through serve-policy on ${name}`, { skip }, async () => {
    const { summary, direct, remote, tasks } = await collectBoth(data, 4);
    assert.equal(summary.failed, 0);
    assert.equal(remote.invalid.length, 0);
    assert.equal(remote.trees.length, tasks);
    assert.deepEqual(
      remote.trees.map((t) => shape(t.root)),
      direct.trees.map((t) => shape(t.root)),
      'the same trees as in-process',
    );
    const pairs = remote.trees.flatMap((t) =>
      buildPairs(t, { strategy: 'all-siblings', minGap: 0 }),
    );
    assert.ok(pairs.length > 0, 'the trees give preference pairs');
    for (const p of pairs) assert.ok(p.chosenQ > p.rejectedQ);
  });
}
