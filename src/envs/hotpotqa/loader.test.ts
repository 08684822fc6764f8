import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { fixture } from '../../testing/shared.js';
import { createHotpotqaBundle } from './index.js';
import { loadHotpotqaFile } from './loader.js';
import { makeTaskSet } from './splits.js';

test('a bad record names the file, line, record and field', () => {
  const file = fixture('hotpotqa/bad-record.json');
  assert.throws(
    () => loadHotpotqaFile(file),
    (err: unknown) =>
      err instanceof UserError &&
      err.message.startsWith(`${file}: line 10, record 1: field context[0][1][1]:`),
  );
});

test('one layout per file: a record without paragraphs after one with them is rejected', () => {
  const file = fixture('hotpotqa/mixed-layout.json');
  assert.throws(
    () => loadHotpotqaFile(file),
    (err: unknown) =>
      err instanceof UserError &&
      err.message.includes(`${file}: line 3, record 1: field context: missing`),
  );
});

test('official layout: ids, paragraphs; _id falls back to the record index', () => {
  const data = loadHotpotqaFile(fixture('hotpotqa/tiny.json'));
  assert.equal(data.layout, 'official');
  assert.deepEqual(
    data.tasks.map((t) => t.id),
    ['t-0', 't-1'],
  );
  assert.equal(data.paragraphs?.length, 6);
  const dir = mkdtempSync(join(tmpdir(), 'stepq-hotpot-'));
  const noIds = join(dir, 'no-ids.json');
  writeFileSync(
    noIds,
    JSON.stringify([
      { question: 'q1?', answer: 'a', type: 'bridge', supporting_facts: [], context: [] },
      { question: 'q2?', answer: 'b', type: 'bridge', supporting_facts: [], context: [] },
    ]),
  );
  assert.deepEqual(
    loadHotpotqaFile(noIds).tasks.map((t) => t.id),
    ['0', '1'],
  );
  const dup = join(dir, 'dup.json');
  writeFileSync(
    dup,
    JSON.stringify([
      { _id: 'x', question: 'q?', answer: 'a' },
      { _id: 'x', question: 'q?', answer: 'a' },
    ]),
  );
  assert.throws(() => loadHotpotqaFile(dup), /record 1: field _id: "x" appears twice/);
  assert.throws(() => loadHotpotqaFile(join(dir, 'absent.json')), /absent\.json: no such file/);
});

test('simplified layout loads, but offline use says it needs the live wiki', async () => {
  const file = fixture('hotpotqa/simplified.json');
  const data = loadHotpotqaFile(file);
  assert.equal(data.layout, 'simplified');
  assert.equal(data.paragraphs, null);
  assert.deepEqual(
    data.tasks.map((t) => t.id),
    ['0', '1'],
  );
  await assert.rejects(
    createHotpotqaBundle({ data: file, seed: 0 }),
    (err: unknown) =>
      err instanceof UserError && /simplified .*options\.wiki live/.test(err.message),
  );
  const live = await createHotpotqaBundle({ data: file, wiki: 'live', seed: 0 });
  assert.match(live.source, /live Wikipedia/);
});

test('unknown built-in data is a UserError', async () => {
  await assert.rejects(createHotpotqaBundle({ data: 'builtin:nope', seed: 0 }), UserError);
  await assert.rejects(createHotpotqaBundle({ data: 'builtin:synthetic:0', seed: 0 }), UserError);
  await assert.rejects(createHotpotqaBundle({ wiki: 'live', seed: 0 }), /fictional world/);
});

test('splits: 60/40, disjoint, covering, in file order, independent of --seed', async () => {
  const ids = Array.from({ length: 101 }, (_, i) => `q${i}`);
  const a = makeTaskSet(ids);
  const b = makeTaskSet(ids);
  assert.deepEqual(a, b);
  assert.equal(a.splits.train?.length, 61);
  assert.equal(a.splits.test?.length, 40);
  assert.deepEqual([...(a.splits.train ?? []), ...(a.splits.test ?? [])].sort(), [...ids].sort());
  const order = (list: readonly string[]) => list.map((id) => ids.indexOf(id));
  assert.deepEqual(
    order(a.splits.train ?? []),
    [...order(a.splits.train ?? [])].sort((x, y) => x - y),
  );
  const s0 = await createHotpotqaBundle({ data: 'builtin:synthetic:40', seed: 0 });
  const s9 = await createHotpotqaBundle({ data: 'builtin:synthetic:40', seed: 9 });
  assert.deepEqual(s0.tasks, s9.tasks);
});
