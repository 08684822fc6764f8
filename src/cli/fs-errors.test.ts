import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, repoRoot } from '../testing/shared.js';

function stepq(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
  return lines[0] as string;
}

test('an --out that cannot be written is one line naming it, exit 2, before any work', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-fs-errors-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');

  // collect --out <a file>: before, every task was "failed" one by one.
  const collect = stepq(
    'collect',
    '--data',
    'builtin:synthetic:20',
    '--tasks',
    '0-3',
    '--out',
    file,
  );
  assert.equal(collect.status, 2, collect.stderr);
  assert.match(oneLine(collect.stderr), new RegExp(`^stepq: ${file}: cannot write \\(`));

  // train: before, it trained every epoch and then crashed on save with a stack trace.
  const train = stepq(
    'train',
    '--pairs',
    fixture('run/pairs.jsonl'),
    '--out',
    join(file, 'model'),
    '--json',
  );
  assert.equal(train.status, 2, train.stderr);
  assert.match(oneLine(train.stderr), /^stepq: .*a-file\/model: cannot write \(/);
  assert.equal(train.stdout, '', 'nothing was trained');

  // --out under /proc: before, Node's recursive mkdir looped there for ever.
  if (existsSync('/proc/self')) {
    const proc = stepq(
      'eval',
      '--data',
      'builtin:synthetic:20',
      '--tasks',
      '0-1',
      '--out',
      '/proc/stepq-test/run',
    );
    assert.equal(proc.signal, null, 'timed out');
    assert.equal(proc.status, 2, proc.stderr);
    assert.match(oneLine(proc.stderr), /^stepq: \/proc\/stepq-test\/run: cannot write \(/);
  }
});

test('a re-run with other settings stops with one line naming the setting; --fresh starts afresh', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-rerun-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const base = ['eval', '--data', 'builtin:synthetic:20', '--tasks', '0-3', '--out', out, '--json'];
  const first = stepq(...base);
  assert.equal(first.status, 0, first.stderr);
  const other = stepq(...base, '--seed', '7');
  assert.equal(other.status, 2, other.stderr);
  assert.match(oneLine(other.stderr), /holds a run with seed = 0, this run has seed = 7/);
  const again = stepq(...base);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(
    { ...JSON.parse(again.stdout), wallSeconds: 0 },
    { ...JSON.parse(first.stdout), wallSeconds: 0 },
  );
  const fresh = stepq(...base, '--seed', '7', '--fresh');
  assert.equal(fresh.status, 0, fresh.stderr);
});
