import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { TRL_INSTALL_COMMAND } from './python.js';
import { trainWithTrl, trlTrainArgs, type TrlEvent } from './run.js';

/** A stand-in interpreter: passes the import probe, then plays `body` as the recipe. */
function fakePython(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-fake-python-'));
  const path = join(dir, 'python');
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "-c" ]; then exit 0; fi\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const base = { base: 'm', pairs: 'p.jsonl', out: 'o' };

test('streams the events and resolves with done and converted', async () => {
  const python = fakePython(
    [
      `echo '{"event": "step", "step": 1, "maxSteps": 2}'`,
      `echo "{'loss': '0.69'}"`,
      `echo 'warning: noise' >&2`,
      `echo '{"event": "done", "pairs": 3, "skippedPairs": 1, "steps": 2}'`,
      `echo '{"event": "converted", "policy": "gguf/policy.gguf", "reference": "gguf/reference.gguf"}'`,
    ].join('\n'),
  );
  const seen: TrlEvent[] = [];
  const result = await trainWithTrl({ python, ...base }, (e) => seen.push(e));
  assert.deepEqual(
    seen.map((e) => e.event),
    ['step', 'done', 'converted'],
  );
  assert.equal(result.done.pairs, 3);
  assert.equal(result.converted?.policy, 'gguf/policy.gguf');
});

test("the recipe's error event becomes one UserError line", async () => {
  const python = fakePython(
    `echo '{"event": "error", "message": "p.jsonl:4: not valid JSON"}'\necho 'stepq-trl: error' >&2\nexit 2`,
  );
  await assert.rejects(
    trainWithTrl({ python, ...base }),
    (e: unknown) =>
      e instanceof UserError && e.message === 'train --engine trl: p.jsonl:4: not valid JSON',
  );
});

test('a crash reports its last stderr line', async () => {
  const python = fakePython(`echo 'Traceback ...' >&2\necho 'RuntimeError: boom' >&2\nexit 1`);
  await assert.rejects(
    trainWithTrl({ python, ...base }),
    (e: unknown) => e instanceof UserError && /exit 1\): RuntimeError: boom$/.test(e.message),
  );
});

test('a missing interpreter names the install command', async () => {
  await assert.rejects(
    trainWithTrl({ python: join(tmpdir(), 'no-such-python-here'), ...base }),
    (e: unknown) =>
      e instanceof UserError &&
      e.message.includes('ENOENT') &&
      e.message.endsWith(TRL_INSTALL_COMMAND),
  );
});

test('arguments: defaults left to the recipe, accelerate for several processes', () => {
  assert.deepEqual(trlTrainArgs({ python: 'py', ...base }), [
    '-m',
    'stepq_trl',
    'train',
    '--base',
    'm',
    '--pairs',
    'p.jsonl',
    '--out',
    'o',
  ]);
  const args = trlTrainArgs({
    python: 'py',
    ...base,
    processes: 4,
    lora: true,
    beta: 0.1,
    gguf: true,
  });
  assert.deepEqual(args.slice(0, 5), [
    '-m',
    'accelerate.commands.launch',
    '--num_processes',
    '4',
    '-m',
  ]);
  assert.ok(args.includes('--lora') && args.includes('--gguf'));
  assert.deepEqual(args.slice(args.indexOf('--beta'), args.indexOf('--beta') + 2), [
    '--beta',
    '0.1',
  ]);
});
