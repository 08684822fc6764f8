import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { readPairs } from '../../data/pairs.js';
import { readTreeFile } from '../../data/tree.js';
import { fixture } from '../../testing/shared.js';
import { registerCollect } from './collect.js';
import { registerPairs } from './pairs.js';

async function cli(t: TestContext, args: string[]): Promise<string[]> {
  const stdout: string[] = [];
  // Only our text is captured: the test runner's own (binary) reports pass through.
  const write = process.stdout.write.bind(process.stdout) as (
    chunk: unknown,
    ...rest: unknown[]
  ) => boolean;
  t.mock.method(process.stdout, 'write', (chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' ? (stdout.push(chunk), true) : write(chunk, ...rest),
  );
  t.mock.method(process.stderr, 'write', () => true);
  try {
    const program = new Command().exitOverride();
    registerCollect(program);
    registerPairs(program);
    await program.parseAsync(['node', 'stepq', ...args]);
  } finally {
    t.mock.restoreAll();
  }
  return stdout;
}

test('collect + pairs end to end on HotPotQA builtin:synthetic with the heuristic policy', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-collect-cli-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const args = [
    'collect',
    '--env',
    'hotpotqa',
    '--data',
    'builtin:synthetic',
    '--policy',
    'heuristic',
    '--tasks',
    '0-3',
    '--iterations',
    '4',
    '--n',
    '3',
    '--out',
    out,
    '--json',
  ];
  const first = JSON.parse((await cli(t, args))[0] as string);
  assert.equal(first.tasks, 4);
  assert.equal(first.failed, 0);
  assert.ok(first.llmCalls > 0);
  const names = readdirSync(join(out, 'trees'));
  assert.equal(names.length, 4);
  for (const name of names) assert.equal(readTreeFile(join(out, 'trees', name)).maxDepth, 7);
  const again = JSON.parse((await cli(t, args))[0] as string);
  assert.deepEqual([again.skipped, again.llmCalls], [4, 0]);

  const pairsFile = join(out, 'pairs.jsonl');
  const summary = JSON.parse(
    (await cli(t, ['pairs', '--trees', out, '--out', pairsFile, '--json']))[0] as string,
  );
  assert.equal(summary.pairs, first.pairsAvailable);
  assert.equal(readPairs(pairsFile).length, summary.pairs);
});

test('collect --import-official converts official trees and reports invalid ones', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stepq-import-cli-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const result = JSON.parse(
    (
      await cli(t, [
        'collect',
        '--import-official',
        fixture('official/hotpotqa'),
        '--env',
        'hotpotqa',
        '--out',
        out,
        '--json',
      ])
    )[0] as string,
  );
  assert.equal(result.converted, 1);
  assert.equal(result.skipped, 1);
  assert.deepEqual(readdirSync(join(out, 'trees')), ['0.json']);
});
