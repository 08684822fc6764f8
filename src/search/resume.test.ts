import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Policy } from '../core/policy.js';
import { readTreeFile, type TreeFile } from '../data/tree.js';
import { RunSettingsMismatch } from '../data/run-folder.js';
import { collectTrees, treePath } from './collect.js';
import { Mcts } from './mcts.js';
import { partialTreePath, readPartialTree, SearchInterrupted } from './partial.js';
import { createScriptedPolicy, createToyEnv } from './testkit/toy.js';

const CONFIG = { iterations: 10, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed: 11 };
const TASKS = ['t1', 't2', 't3'];

/** A policy that answers `healthy` calls, then fails every call (an LLM endpoint going down). */
function failingAfter(calls: number): Policy & { requests: number } {
  const inner = createScriptedPolicy();
  const policy = {
    name: inner.name,
    requests: 0,
    async propose(...args: Parameters<Policy['propose']>) {
      policy.requests++;
      if (policy.requests > calls) throw new Error('HTTP 500 after retries');
      return inner.propose(...args);
    },
  };
  return policy;
}

/** What a tree's results are: everything but the LLM usage and the time spent. */
function results(tree: TreeFile) {
  const {
    llmCalls: _l,
    promptTokens: _p,
    completionTokens: _c,
    wallSeconds: _w,
    ...stats
  } = tree.stats;
  return { ...tree, stats };
}

function treesOf(out: string): TreeFile[] {
  return readdirSync(join(out, 'trees'))
    .sort()
    .map((n) => readTreeFile(join(out, 'trees', n)));
}

async function collect(out: string, policy: Policy) {
  return collectTrees({
    env: createToyEnv({ maxDepth: 4 }),
    policy,
    taskIds: TASKS,
    outDir: out,
    config: CONFIG,
    concurrency: 1,
  });
}

test('MCTS keeps the partial tree of a failed task; a healthy re-run resumes it to the clean result', async (t) => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'stepq-resume-'));
    dirs.push(d);
    return d;
  };
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const cleanPolicy = createScriptedPolicy();
  const clean = await collect(dir(), cleanPolicy);
  assert.equal(clean.failed, 0);
  const cleanTrees = treesOf(dirs[0] as string).map(results);
  // Failures at many points: in the first expansion, in later expansions and in rollouts.
  for (const healthy of [0, 1, 4, 7, 12, 20, 33]) {
    const out = dir();
    const first = await collect(out, failingAfter(healthy));
    assert.ok(first.failed > 0, `K=${healthy}: some task failed`);
    assert.equal(first.failed, first.errors.length);
    assert.match(first.errors[0]?.error ?? '', /HTTP 500 after retries/);
    assert.equal(
      first.llmCalls,
      healthy,
      'every answered call is counted, failed ones spend nothing',
    );
    const failedTask = first.errors[0]?.taskId as string;
    assert.equal(existsSync(treePath(out, failedTask)), false, 'no finished tree for it');
    const kept = readPartialTree(partialTreePath(out, failedTask), failedTask);
    assert.ok(kept, `K=${healthy}: the partial tree is kept`);
    assert.equal(kept.failures, 1);
    assert.equal(first.partial, first.failed);
    const keptIterations = first.errors
      .map((e) => readPartialTree(partialTreePath(out, e.taskId), e.taskId))
      .reduce((sum, p) => sum + (p?.tree.stats.iterationsRun ?? 0), 0);

    const healthyPolicy = createScriptedPolicy();
    const second = await collect(out, healthyPolicy);
    assert.equal(second.failed, 0);
    assert.equal(second.resumed, first.partial);
    assert.deepEqual(treesOf(out).map(results), cleanTrees, `K=${healthy}: same trees`);
    assert.equal(existsSync(partialTreePath(out, failedTask)), false, 'partial tree removed');
    // It continued rather than started over: the kept iterations are not asked for again.
    const calls = `${healthyPolicy.requests} calls vs ${cleanPolicy.requests} clean`;
    if (keptIterations > 0)
      assert.ok(healthyPolicy.requests < cleanPolicy.requests, `K=${healthy}: ${calls}`);
    else assert.ok(healthyPolicy.requests <= cleanPolicy.requests, `K=${healthy}: ${calls}`);
  }
});

test('a partial tree from other settings is not resumed; the search starts afresh', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-resume-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  await collect(out, failingAfter(12));
  const other = {
    env: createToyEnv({ maxDepth: 4 }),
    policy: createScriptedPolicy(),
    taskIds: TASKS,
    outDir: out,
    config: { ...CONFIG, n: 2 },
    concurrency: 1,
  };
  // The run folder itself refuses other settings (src/data/run-folder.ts) unless told to start afresh.
  await assert.rejects(
    collectTrees(other),
    (e: unknown) => e instanceof RunSettingsMismatch && e.setting === 'n',
  );
  const summary = await collectTrees({ ...other, fresh: true });
  assert.equal(summary.resumed, 0);
  assert.equal(summary.failed, 0);
  for (const tree of treesOf(out)) assert.equal(tree.search.params.n, 2);
});

test('SearchInterrupted carries the tree as of the last complete iteration', async () => {
  const deps = { env: createToyEnv({ maxDepth: 4 }), policy: failingAfter(5) };
  const err = await new Mcts(deps, CONFIG).search('t2').catch((e: unknown) => e);
  assert.ok(err instanceof SearchInterrupted);
  const { tree } = err.partial;
  assert.ok(tree.stats.iterationsRun < CONFIG.iterations);
  // Answered calls are counted, including those of the iteration that was undone.
  assert.equal(tree.stats.llmCalls, 5);
  const again = await new Mcts(
    { env: createToyEnv({ maxDepth: 4 }), policy: createScriptedPolicy() },
    CONFIG,
  ).search('t2', { resume: err.partial });
  const clean = await new Mcts(
    { env: createToyEnv({ maxDepth: 4 }), policy: createScriptedPolicy() },
    CONFIG,
  ).search('t2');
  assert.deepEqual(results(again), results(clean));
});

test('Ctrl-C keeps the partial trees of the tasks in flight; the re-run resumes them', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-resume-'));
  const clean = mkdtempSync(join(tmpdir(), 'stepq-resume-'));
  t.after(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(clean, { recursive: true, force: true });
  });
  await collect(clean, createScriptedPolicy());
  const controller = new AbortController();
  const interrupted = await collectTrees({
    env: createToyEnv({ maxDepth: 4 }),
    policy: createScriptedPolicy(),
    taskIds: TASKS,
    outDir: out,
    config: CONFIG,
    concurrency: 1,
    signal: controller.signal,
    onIteration: (taskId, iteration) => {
      if (taskId === 't2' && iteration === 3) controller.abort();
    },
  });
  assert.equal(interrupted.failed, 0, 'an interruption is not a failure');
  const kept = readPartialTree(partialTreePath(out, 't2'), 't2');
  assert.equal(kept?.tree.stats.iterationsRun, 4);
  const resumed = await collect(out, createScriptedPolicy());
  assert.equal(resumed.resumed, 1);
  assert.deepEqual(treesOf(out).map(results), treesOf(clean).map(results));
});
