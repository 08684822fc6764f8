import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { generateShopCatalog } from '../../envs/webshop/catalog/generate.js';
import { registerData } from './data.js';
import { driveUrl } from './data-webshop.js';

async function run(args: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => (
    out.push(String(chunk)),
    true
  )) as typeof process.stdout.write;
  try {
    const program = new Command().exitOverride();
    registerData(program);
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out.join('');
}

test('`data webshop` downloads the three files from a mirror, checks they load, and rejects HTML answers', async () => {
  const shop = generateShopCatalog({ n: 60, seed: 2 });
  const bodies: Record<string, string> = {
    '/good/items_shuffle_1000.json': JSON.stringify(shop.items),
    '/good/items_ins_v2_1000.json': JSON.stringify(shop.insV2),
    '/good/items_human_ins.json': JSON.stringify(shop.humanIns),
    '/quota/items_shuffle_1000.json': '<!DOCTYPE html><html><body>Quota exceeded</body></html>',
  };
  const server = createServer((req, res) => {
    const body = bodies[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const dest = mkdtempSync(join(tmpdir(), 'stepq-webshop-data-'));
    const out = await run([
      'data',
      'webshop',
      '--mirror',
      `${base}/good/`,
      '--dest',
      dest,
      '--quiet',
    ]);
    for (const name of [
      'items_shuffle_1000.json',
      'items_ins_v2_1000.json',
      'items_human_ins.json',
    ]) {
      assert.ok(existsSync(join(dest, name)) && existsSync(join(dest, `${name}.sha256`)), name);
    }
    assert.match(out, /checked: 60 products, \d+ human goals/);
    assert.match(
      out,
      new RegExp(`--env webshop --data ${dest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    const again = await run([
      'data',
      'webshop',
      '--mirror',
      `${base}/good`,
      '--dest',
      dest,
      '--quiet',
    ]);
    assert.match(again, /already present/);

    const bad = mkdtempSync(join(tmpdir(), 'stepq-webshop-data-'));
    await assert.rejects(
      run(['data', 'webshop', '--mirror', `${base}/quota`, '--dest', bad, '--quiet']),
      (err: unknown) => {
        return err instanceof UserError && /did not return a JSON file/.test(err.message);
      },
    );
    assert.ok(!existsSync(join(bad, 'items_shuffle_1000.json')), 'an HTML answer is not kept');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.match(driveUrl('abc'), /^https:\/\/drive\.usercontent\.google\.com\/download\?id=abc&/);
});
