import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliBatch, type CliResult } from './testing/cli.js';
import { fixture } from '../testing/shared.js';

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

  const onProc = existsSync('/proc/self');
  const [collect, train, proc] = runCliBatch([
    // collect --out <a file>: before, every task was "failed" one by one.
    ['collect', '--data', 'builtin:synthetic:20', '--tasks', '0-3', '--out', file],
    // train: before, it trained every epoch and then crashed on save with a stack trace.
    ['train', '--pairs', fixture('run/pairs.jsonl'), '--out', join(file, 'model'), '--json'],
    // --out under /proc: before, Node's recursive mkdir looped there for ever.
    ...(onProc
      ? [
          [
            'eval',
            '--data',
            'builtin:synthetic:20',
            '--tasks',
            '0-1',
            '--out',
            '/proc/stepq-test/run',
          ],
        ]
      : []),
  ]) as [CliResult, CliResult, CliResult | undefined];
  assert.equal(collect.status, 2, collect.stderr);
  assert.match(oneLine(collect.stderr), new RegExp(`^stepq: ${file}: cannot write \\(`));

  assert.equal(train.status, 2, train.stderr);
  assert.match(oneLine(train.stderr), /^stepq: .*a-file\/model: cannot write \(/);
  assert.equal(train.stdout, '', 'nothing was trained');

  if (onProc && proc) {
    assert.equal(proc.status, 2, proc.stderr);
    assert.match(oneLine(proc.stderr), /^stepq: \/proc\/stepq-test\/run: cannot write \(/);
  }
});

test('a re-run with other settings stops with one line naming the setting; --fresh starts afresh', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-rerun-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const base = ['eval', '--data', 'builtin:synthetic:20', '--tasks', '0-3', '--out', out, '--json'];
  const [first, other, again, fresh] = runCliBatch([
    base,
    [...base, '--seed', '7'],
    base,
    [...base, '--seed', '7', '--fresh'],
  ]) as [CliResult, CliResult, CliResult, CliResult];
  assert.equal(first.status, 0, first.stderr);
  assert.equal(other.status, 2, other.stderr);
  assert.match(oneLine(other.stderr), /holds a run with seed = 0, this run has seed = 7/);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(
    { ...JSON.parse(again.stdout), wallSeconds: 0 },
    { ...JSON.parse(first.stdout), wallSeconds: 0 },
  );
  assert.equal(fresh.status, 0, fresh.stderr);
});
