import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliBatch, type CliResult } from '../cli/testing/cli.js';
import { fixture } from '../testing/shared.js';
import { loadQModel } from '../cli/specs.js';
import { readPairsFile } from './pairs.js';

function stepq(...args: string[]): CliResult {
  return runCliBatch([args])[0]!;
}

test('stepq train: per-epoch table and final line, a loadable model folder, --json summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-train-cli-'));
  try {
    const pairsFile = fixture('qmodel/pairs.jsonl');
    const out = join(dir, 'model');
    const r = stepq(
      'train',
      '--pairs',
      pairsFile,
      '--out',
      out,
      '--epochs',
      '4',
      '--dim-bits',
      '12',
      '--hidden',
      '4',
      '--seed',
      '3',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /epoch\s+loss\s+train acc\s+held-out loss\s+held-out acc/);
    assert.match(r.stdout, /^4\s/m);
    assert.match(r.stdout, /saved .*model \(epoch \d of 4\): held-out pair accuracy/);
    const meta = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    assert.equal(meta.format, 'stepq-learned-qmodel');
    assert.equal(meta.history.length, 4);
    assert.equal(meta.members, 3);
    assert.equal(meta.memberHistories.length, 3);
    assert.equal(meta.hyperParameters.seed, 3);
    const model = await loadQModel(out);
    const pair = readPairsFile(pairsFile)[0]!;
    const [qc, qr] = await model.score(pair.context, [pair.chosen, pair.rejected]);
    assert.ok(Number.isFinite(qc) && Number.isFinite(qr));

    const j = stepq(
      'train',
      '--pairs',
      pairsFile,
      '--out',
      join(dir, 'm2'),
      '--epochs',
      '2',
      '--dim-bits',
      '12',
      '--hidden',
      '0',
      '--json',
    );
    assert.equal(j.status, 0, j.stderr);
    const summary = JSON.parse(j.stdout);
    assert.equal(summary.pairs, 40);
    // Three ensemble members: each pair is held out by one and trains the other two.
    assert.equal(summary.members, 3);
    assert.equal(summary.heldOutPairs, 40);
    assert.equal(summary.trainPairs, 80);
    assert.equal(summary.regime, 'q-only', 'the fixture pairs carry no votes');
    assert.ok(summary.heldOutAccuracy >= 0 && summary.heldOutAccuracy <= 1);
    assert.ok(existsSync(join(dir, 'm2', 'weights.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stepq train: a malformed pairs file is one clear line naming file, line and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-train-cli-'));
  try {
    const bad = join(dir, 'bad.jsonl');
    const good = readFileSync(fixture('qmodel/pairs.jsonl'), 'utf8').split('\n')[0]!;
    const broken = JSON.parse(good);
    delete broken.chosen;
    writeFileSync(bad, `${good}\n${JSON.stringify(broken)}\n`);
    const r = stepq('train', '--pairs', bad, '--out', join(dir, 'm'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.jsonl: line 2: field chosen/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
