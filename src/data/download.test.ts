import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { downloadFile, sidecarPath } from './download.js';

const BODY = Buffer.from(
  JSON.stringify([{ question: 'q?', answer: 'a', type: 'bridge' }]).repeat(2000),
);
const SHA = createHash('sha256').update(BODY).digest('hex');

async function withServer(fn: (base: string, hits: string[]) => Promise<void>): Promise<void> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/file.json')
      res.writeHead(200, { 'content-length': String(BODY.length) }).end(BODY);
    else res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'stepq-dl-'));

test('downloads, records the sha256 in a sidecar, and verifies against it later', async () => {
  await withServer(async (base, hits) => {
    const dest = join(tempDir(), 'sub', 'file.json');
    const first = await downloadFile({ url: `${base}/file.json`, dest });
    assert.deepEqual(
      { ...first },
      { path: dest, sha256: SHA, bytes: BODY.length, status: 'downloaded', verified: 'recorded' },
    );
    assert.deepEqual(readFileSync(dest), BODY);
    assert.match(readFileSync(sidecarPath(dest), 'utf8'), new RegExp(`^${SHA}  file\\.json\\n$`));
    const again = await downloadFile({ url: `${base}/file.json`, dest });
    assert.deepEqual([again.status, again.verified, hits.length], ['present', 'sidecar', 1]);
    writeFileSync(dest, 'tampered');
    await assert.rejects(
      downloadFile({ url: `${base}/file.json`, dest }),
      (err: unknown) => err instanceof UserError && /differs from .*delete it/.test(err.message),
    );
  });
});

test('a given --sha256 is verified; a mismatch saves nothing', async () => {
  await withServer(async (base) => {
    const dir = tempDir();
    const ok = await downloadFile({
      url: `${base}/file.json`,
      dest: join(dir, 'ok.json'),
      sha256: SHA.toUpperCase(),
    });
    assert.equal(ok.verified, 'given');
    const bad = join(dir, 'bad.json');
    await assert.rejects(
      downloadFile({ url: `${base}/file.json`, dest: bad, sha256: '0'.repeat(64) }),
      (err: unknown) => err instanceof UserError && /checksum mismatch/.test(err.message),
    );
    assert.equal(existsSync(bad), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('bad')),
      [],
      'no temp file left behind',
    );
    await assert.rejects(
      downloadFile({
        url: `${base}/file.json`,
        dest: join(dir, 'x.json'),
        sha256: 'abc',
      }),
      /not a sha256/,
    );
  });
});

test('HTTP errors and unreachable hosts are UserErrors', async () => {
  let closedBase = '';
  await withServer(async (base) => {
    closedBase = base;
    const dest = join(tempDir(), 'missing.json');
    await assert.rejects(
      downloadFile({ url: `${base}/missing.json`, dest }),
      (err: unknown) => err instanceof UserError && /HTTP 404/.test(err.message),
    );
    assert.equal(existsSync(dest), false);
  });
  await assert.rejects(
    downloadFile({ url: `${closedBase}/file.json`, dest: join(tempDir(), 'f.json') }),
    (err: unknown) =>
      err instanceof UserError && /cannot download .*ECONNREFUSED/.test(err.message),
  );
});
