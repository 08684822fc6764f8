import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { appendJsonLine } from '../core/fs.js';
import { collectTrees, type CollectOptions } from '../search/collect.js';
import { createScriptedPolicy, createToyEnv } from '../search/testkit/toy.js';
import { parseTrajectoryLog } from '../eval/trajectory.js';
import { repoRoot } from '../testing/shared.js';
import {
  claimRunFolder,
  dataChecksum,
  ensureWritableDir,
  readRunManifest,
  runLayout,
  RunSettingsMismatch,
} from './run-folder.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-runfolder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a run folder records its settings; the same settings resume, another one is named', (t) => {
  const dir = tempDir(t);
  claimRunFolder(dir, 'collect', { env: 'toy', iterations: 10, seed: 7 });
  assert.deepEqual(readRunManifest(dir)?.parts.collect?.settings, {
    env: 'toy',
    iterations: 10,
    seed: 7,
    stepq: JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version,
  });
  claimRunFolder(dir, 'collect', { env: 'toy', iterations: 10, seed: 7 });
  assert.throws(
    () => claimRunFolder(dir, 'collect', { env: 'toy', iterations: 30, seed: 7 }),
    (e: unknown) =>
      e instanceof RunSettingsMismatch &&
      e.setting === 'iterations' &&
      e.recorded === 10 &&
      e.requested === 30 &&
      /iterations = 10, this run has iterations = 30/.test(e.message) &&
      !e.message.includes('\n'),
  );
  // A setting only one side has counts as a difference too.
  assert.throws(
    () => claimRunFolder(dir, 'collect', { env: 'toy', iterations: 10, seed: 7, n: 3 }),
    (e: unknown) => e instanceof RunSettingsMismatch && e.setting === 'n',
  );
  // Another part of the run (eval beside collect) has its own record.
  claimRunFolder(dir, 'eval', { env: 'toy', algorithm: 'greedy' });
  assert.ok(readRunManifest(dir)?.parts.eval);
});

test('fresh deletes only the part it restarts; content without a record is not adopted', (t) => {
  const dir = tempDir(t);
  claimRunFolder(dir, 'collect', { iterations: 10 });
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  writeFileSync(join(dir, 'trajectories.jsonl'), '');
  appendJsonLine(join(dir, 'trajectories.jsonl'), { x: 1 });
  ensureWritableDir(runLayout.trees(dir));
  writeFileSync(runLayout.treeFile(dir, 't0'), '{}');
  // trajectories.jsonl without an eval record: an older or foreign run, not silently resumed.
  assert.throws(
    () => claimRunFolder(dir, 'eval', { algorithm: 'greedy' }),
    (e: unknown) => e instanceof UserError && /settings were not recorded/.test(e.message),
  );
  claimRunFolder(dir, 'collect', { iterations: 30 }, { fresh: true });
  assert.equal(existsSync(runLayout.trees(dir)), false);
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
  assert.ok(existsSync(join(dir, 'trajectories.jsonl')), 'the eval part is left alone');
  assert.equal(readRunManifest(dir)?.parts.collect?.settings.iterations, 30);
});

test('collect into a folder made with other settings stops naming the setting; --fresh restarts', async (t) => {
  const out = tempDir(t);
  const options = (iterations: number, extra: Partial<CollectOptions> = {}): CollectOptions => ({
    env: createToyEnv({ maxDepth: 3 }),
    policy: createScriptedPolicy(),
    taskIds: ['t0', 't1'],
    outDir: out,
    config: { iterations, n: 3, c: 1.41, maxDepth: 3, earlyStop: false, seed: 7 },
    concurrency: 1,
    ...extra,
  });
  const first = await collectTrees(options(10));
  assert.equal(first.failed, 0);
  await assert.rejects(
    collectTrees(options(30)),
    (e: unknown) => e instanceof RunSettingsMismatch && e.setting === 'iterations',
  );
  await assert.rejects(
    collectTrees(options(10, { config: { ...options(10).config, seed: 8 } })),
    (e: unknown) => e instanceof RunSettingsMismatch && e.setting === 'seed',
  );
  const again = await collectTrees(options(30, { fresh: true }));
  assert.equal(again.skipped, 0, 'a fresh run keeps no old tree');
  assert.ok(again.llmCalls > 0, 'the trees were searched again');
  assert.equal(readRunManifest(out)?.parts.collect?.settings.iterations, 30);
});

test('an output that cannot be a folder is one line naming the path, before any work', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  assert.throws(
    () => ensureWritableDir(file),
    (e: unknown) =>
      e instanceof UserError &&
      e.message.startsWith(`${file}: cannot write (`) &&
      !e.message.includes('\n'),
  );
  assert.throws(
    () => ensureWritableDir(join(file, 'below')),
    (e: unknown) => e instanceof UserError && /cannot write/.test(e.message),
  );
});

test(
  'an output under /proc fails at once instead of hanging (Node recursive mkdir loops there)',
  { skip: existsSync('/proc/self') ? false : 'no /proc on this system', timeout: 20_000 },
  () => {
    // In a child with a timeout, so that a regression fails the test instead of hanging the suite.
    const script = `import('./src/data/run-folder.ts').then((m) => { try { m.ensureWritableDir('/proc/stepq-test/run'); } catch (e) { console.log(e.message); } });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(r.signal, null, 'timed out');
    assert.match(r.stdout, /^\/proc\/stepq-test\/run: cannot write \(/);
  },
);

test('appending to a JSONL log cut mid-line repairs the torn tail first', (t) => {
  const file = join(tempDir(t), 'log.jsonl');
  for (let i = 0; i < 3; i++) appendJsonLine(file, { i, pad: 'x'.repeat(40) });
  const size = statSync(file).size;
  truncateSync(file, size - 20); // a crash in the middle of the last record
  appendJsonLine(file, { i: 3 });
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).i),
    [0, 1, 3],
  );
  // A file holding only a torn line becomes empty before the append.
  const only = join(tempDir(t), 'torn.jsonl');
  writeFileSync(only, '{"i": 1, "half');
  appendJsonLine(only, { i: 2 });
  assert.equal(readFileSync(only, 'utf8'), '{"i":2}\n');
});

test('a trajectory log keeps one record per task and arm: the last attempt, earlier ones apart', () => {
  const record = (taskId: string, extra: Record<string, unknown> = {}) => ({
    format: 'stepq.trajectory/1',
    env: 'toy',
    taskId,
    task: `task ${taskId}`,
    algorithm: 'greedy',
    policy: 'p',
    n: 1,
    seed: 0,
    steps: [],
    reward: 0,
    success: false,
    depthLimited: false,
    info: {},
    usage: { calls: 1, promptTokens: 0, completionTokens: 0 },
    wallSeconds: 0,
    ...extra,
  });
  const text = [
    record('a', { error: 'LLM down' }),
    record('b', { success: true, reward: 1 }),
    record('a', { success: true, reward: 1 }),
    record('a', { algorithm: 'best-of-n-random', n: 3 }),
  ]
    .map((r) => JSON.stringify(r))
    .concat(['{"torn'])
    .join('\n');
  const log = parseTrajectoryLog(text);
  assert.deepEqual(
    log.latest.map((t) => [t.taskId, t.algorithm, t.success]),
    [
      ['a', 'greedy', true],
      ['b', 'greedy', true],
      ['a', 'best-of-n-random', false],
    ],
  );
  assert.deepEqual(
    log.superseded.map((t) => [t.taskId, t.error]),
    [['a', 'LLM down']],
  );
  assert.deepEqual(log.badLines, [5]);
});

test('the data checksum follows the content of a file or folder, and is null for built-ins', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'data.json');
  writeFileSync(file, '[1]');
  const a = dataChecksum(file);
  assert.match(a ?? '', /^sha256:[0-9a-f]{64}$/);
  writeFileSync(file, '[2]');
  assert.notEqual(dataChecksum(file), a);
  assert.match(dataChecksum(dir) ?? '', /^sha256:/);
  assert.equal(dataChecksum('builtin:synthetic:100'), null);
  assert.equal(dataChecksum(undefined), null);
});
