import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTreeFile, treeFileName } from '../data/tree.js';
import {
  collectTrees,
  parseShard,
  shardTasks,
  treePath,
  type CollectOptions,
  type TaskEvent,
} from './collect.js';
import { createScriptedPolicy, createToyEnv } from './testkit/toy.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-collect-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function options(outDir: string, extra: Partial<CollectOptions> = {}): CollectOptions {
  return {
    env: createToyEnv({ maxDepth: 3 }),
    policy: createScriptedPolicy(),
    taskIds: ['t0', 't1', 't2', 't1-a/b c'],
    outDir,
    config: { iterations: 10, n: 4, c: 1.41, maxDepth: 3, earlyStop: false, seed: 0 },
    concurrency: 2,
    ...extra,
  };
}

test('collect: one tree file per task (safe names), summary, and a re-run skips finished tasks', async (t) => {
  const out = tempDir(t);
  const events: TaskEvent[] = [];
  const first = await collectTrees(options(out, { onTask: (e) => events.push(e) }));
  assert.equal(first.tasks, 4);
  assert.equal(first.failed, 0);
  assert.equal(first.skipped, 0);
  assert.equal(events.filter((e) => e.status === 'done').length, 4);
  assert.ok(first.solved >= 3, `solved ${first.solved}`);
  assert.ok(
    first.llmCalls > 0 && first.promptTokens > 0 && first.nodes > 0 && first.pairsAvailable > 0,
  );
  assert.deepEqual(readdirSync(join(out, 'trees')).sort(), [
    't0.json',
    't1-a%2Fb%20c.json',
    't1.json',
    't2.json',
  ]);
  assert.equal(readTreeFile(treePath(out, 't1-a/b c')).taskId, 't1-a/b c');

  const policy = createScriptedPolicy();
  const second = await collectTrees(options(out, { policy }));
  assert.equal(second.skipped, 4);
  assert.equal(policy.requests, 0);
  assert.equal(second.llmCalls, 0);
  assert.equal(second.solved, first.solved);
  assert.equal(second.pairsAvailable, first.pairsAvailable);

  // A damaged file is not a finished task: it is searched again.
  writeFileSync(treePath(out, 't2'), '{"format": "stepq.tree/1"');
  const third = await collectTrees(options(out));
  assert.deepEqual([third.skipped, third.tasks - third.skipped], [3, 1]);
  assert.equal(readTreeFile(treePath(out, 't2')).taskId, 't2');
});

test('collect: a task whose policy fails is reported and the others finish', async (t) => {
  const out = tempDir(t);
  const summary = await collectTrees(
    options(out, { policy: createScriptedPolicy({ failOn: 'reach position 2' }) }),
  );
  assert.equal(summary.failed, 1);
  assert.deepEqual(summary.errors, [
    { taskId: 't2', error: 'scripted failure for "reach position 2"' },
  ]);
  assert.equal(existsSync(treePath(out, 't2')), false);
  assert.equal(existsSync(treePath(out, 't0')), true);
});

test('collect: shards split the task list deterministically and completely', () => {
  const tasks = ['a', 'b', 'c', 'd', 'e'];
  const parts = [0, 1, 2].map((i) => shardTasks(tasks, parseShard(`${i}/3`)));
  assert.deepEqual(parts, [['a', 'd'], ['b', 'e'], ['c']]);
  assert.throws(() => parseShard('3/3'), /0 <= i < m/);
  assert.throws(() => parseShard('x'), /options\.shard x: expected i\/m/);
});

test('collect: SIGKILL mid-run, then re-run: every tree parses and every task is done exactly once', async (t) => {
  const out = tempDir(t);
  const child = fileURLToPath(new URL('./testkit/collect-child.ts', import.meta.url));
  const tasks = 8;
  const proc = spawn(process.execPath, ['--import', 'tsx', child, out, String(tasks), '15'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const doneInChild = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n').slice(0, -1)) {
        const [status, taskId] = line.split(' ');
        if (status === 'done' && taskId) doneInChild.add(taskId);
        if (status === 'finished')
          reject(new Error('child finished before it was killed; make it slower'));
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
      if (doneInChild.size >= 2 && proc.exitCode === null) {
        proc.kill('SIGKILL');
        resolve();
      }
    });
    proc.on('error', reject);
    proc.on('exit', () => resolve());
  });
  await new Promise((r) =>
    proc.exitCode !== null || proc.signalCode !== null ? r(undefined) : proc.once('exit', r),
  );
  assert.equal(proc.signalCode, 'SIGKILL');
  const finishedBefore = readdirSync(join(out, 'trees')).filter((n) => n.endsWith('.json'));
  assert.ok(
    finishedBefore.length >= 2 && finishedBefore.length < tasks,
    `${finishedBefore.length} trees before the re-run`,
  );
  for (const name of finishedBefore) readTreeFile(join(out, 'trees', name));

  const taskIds = Array.from({ length: tasks }, (_, i) => `t${i % 3}-${i}`);
  const events: TaskEvent[] = [];
  const summary = await collectTrees({
    env: createToyEnv({ maxDepth: 4 }),
    policy: createScriptedPolicy(),
    taskIds,
    outDir: out,
    config: { iterations: 6, n: 3, c: 1.41, maxDepth: 4, earlyStop: false, seed: 1 },
    concurrency: 2,
    onTask: (e) => events.push(e),
  });
  assert.equal(summary.failed, 0);
  assert.equal(summary.skipped, finishedBefore.length);
  const doneNow = events.filter((e) => e.status === 'done').map((e) => e.taskId);
  // Each task was searched to completion exactly once over the two runs.
  for (const id of doneNow) assert.ok(!finishedBefore.includes(treeFileName(id)), `${id} redone`);
  assert.equal(doneNow.length + finishedBefore.length, tasks);
  const all = readdirSync(join(out, 'trees')).filter((n) => n.endsWith('.json'));
  assert.equal(all.length, tasks);
  assert.deepEqual(
    all.map((n) => readTreeFile(join(out, 'trees', n)).taskId).sort(),
    [...taskIds].sort(),
  );
});
