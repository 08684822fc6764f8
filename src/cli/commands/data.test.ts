import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { fixture } from '../../testing/shared.js';
import { UserError } from '../../core/errors.js';
import { registerData } from './data.js';

test('`data hotpotqa` downloads the file, checks it loads, and records its sha256', async () => {
  const body = readFileSync(fixture('hotpotqa/tiny.json'));
  const server = createServer((req, res) => {
    if (req.url === '/hotpot_dev_distractor_v1.json') res.writeHead(200).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dest = mkdtempSync(join(tmpdir(), 'stepq-data-'));
  const out: string[] = [];
  const write = process.stdout.write;
  // Capture the command's text; pass anything else (the test runner's own messages) through.
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string'
      ? (out.push(chunk), true)
      : (write as (...a: unknown[]) => boolean).call(
          process.stdout,
          chunk,
          ...rest,
        )) as typeof process.stdout.write;
  try {
    const program = new Command().exitOverride();
    registerData(program);
    await program.parseAsync(
      [
        'data',
        'hotpotqa',
        '--url',
        `${base}/hotpot_dev_distractor_v1.json`,
        '--dest',
        dest,
        '--quiet',
      ],
      { from: 'user' },
    );
    const program2 = new Command().exitOverride();
    registerData(program2);
    await assert.rejects(
      program2.parseAsync(
        ['data', 'hotpotqa', '--url', `${base}/other.json`, '--dest', dest, '--quiet'],
        { from: 'user' },
      ),
      UserError,
    );
  } finally {
    process.stdout.write = write;
    await new Promise<void>((r) => server.close(() => r()));
  }
  const file = join(dest, 'hotpot_dev_distractor_v1.json');
  assert.ok(existsSync(file) && existsSync(`${file}.sha256`));
  assert.match(
    out.join(''),
    /downloaded: .*hotpot_dev_distractor_v1\.json \(\d+ bytes, 2 questions, official layout\)/,
  );
});
