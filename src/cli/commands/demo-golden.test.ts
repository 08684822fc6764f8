/**
 * Golden test: a seeded `stepq demo --quick` run (HotPotQA and WebShop) must reproduce the
 * committed fixture demo-golden.json: the trees, pairs and trajectories by content (hashes of
 * the fields that carry results, so format-only changes such as dropping a rebuildable field
 * do not count) and the numbers of results.json (wall times left out).
 *
 * A change that is meant to change results updates the fixture in the same commit:
 *   STEPQ_UPDATE_GOLDEN=1 node scripts/run-tests.mjs demo-golden
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliBatch, type CliResult } from '../testing/cli.js';
import { runDigest, type Json } from '../../testing/run-digest.js';

const FIXTURE = fileURLToPath(new URL('./demo-golden.json', import.meta.url));
const UPDATE = process.env.STEPQ_UPDATE_GOLDEN === '1';

const RUNS: Record<string, string[]> = {
  'hotpotqa --quick': ['--quick', '--seed', '0'],
  'webshop --quick': ['--env', 'webshop', '--quick', '--seed', '0'],
};

// Both demos run in one CLI process (one start of tsx and the CLI instead of two).
const root = mkdtempSync(join(tmpdir(), 'stepq-golden-'));
after(() => rmSync(root, { recursive: true, force: true }));
const batch = new CliBatch({ timeoutMs: 300_000 });
const demos = Object.entries(RUNS).map(([name, args], i) => {
  const out = join(root, String(i));
  return { name, out, result: batch.add(['demo', ...args, '--out', out, '--json']) };
});

const fixture: Record<string, Json> = UPDATE ? {} : JSON.parse(readFileSync(FIXTURE, 'utf8'));
const updated: Record<string, Json> = {};

for (const { name, out, result } of demos) {
  test(`seeded demo ${name} reproduces demo-golden.json`, () => {
    const r: CliResult = result();
    assert.equal(r.status, 0, `demo exited ${r.status}: ${r.stderr}`);
    const got = runDigest(out);
    if (UPDATE) {
      updated[name] = got;
      writeFileSync(FIXTURE, `${JSON.stringify(updated, null, 2)}\n`);
      return;
    }
    assert.deepEqual(
      got,
      fixture[name],
      'the demo results changed; if that is intended, update the fixture in the same commit ' +
        '(STEPQ_UPDATE_GOLDEN=1 node scripts/run-tests.mjs demo-golden)',
    );
  });
}
