/**
 * Downloads a file: streamed to a temp file beside the target (so nothing half-written
 * ever sits under the final name), sha256 computed while streaming, then renamed.
 * Checksums: an expected one (given by the caller) is verified; when none is known, the
 * computed one is recorded in a sidecar `<file>.sha256` and later runs verify against it.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UserError } from '../core/errors.js';
import { OptionError } from '../core/settings.js';
import { writeFileAtomic } from '../core/fs.js';

export interface DownloadOptions {
  url: string;
  /** Path of the file to create. */
  dest: string;
  /** Expected sha256 (hex); else the sidecar's, else none (the computed one is recorded). */
  sha256?: string;
  /**
   * Called once the size is known (0 when the server does not say); the returned meter is
   * ticked per chunk and stopped at the end. The CLI passes its progress bar; default none.
   */
  progress?: (totalBytes: number) => ByteMeter;
  timeoutMs?: number;
}

export interface ByteMeter {
  tick(bytes: number): void;
  stop(): void;
}

const noMeter: ByteMeter = { tick() {}, stop() {} };

export interface DownloadResult {
  path: string;
  sha256: string;
  bytes: number;
  /** `present`: the file was already there (and matched); `downloaded`: fetched now. */
  status: 'present' | 'downloaded';
  /** What the checksum was checked against. */
  verified: 'given' | 'sidecar' | 'recorded';
}

export function sidecarPath(file: string): string {
  return `${file}.sha256`;
}

function normaliseHex(hex: string, what: string): string {
  const h = hex.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(h))
    throw new UserError(`${what}: "${hex}" is not a sha256 (64 hex digits)`);
  return h;
}

function readSidecar(file: string): string | undefined {
  const path = sidecarPath(file);
  if (!existsSync(path)) return undefined;
  const first = readFileSync(path, 'utf8').trim().split(/\s+/)[0] ?? '';
  return normaliseHex(first, path);
}

function writeSidecar(file: string, hex: string): void {
  // The `sha256sum` format, so `sha256sum -c` can check it too.
  writeFileAtomic(sidecarPath(file), `${hex}  ${file.split(/[\\/]/).pop()}\n`);
}

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const { url, dest } = options;
  let given: string | undefined;
  if (options.sha256 !== undefined) {
    given = options.sha256.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(given))
      throw new OptionError(
        'sha256',
        'is not a sha256 (64 hex digits)',
        JSON.stringify(options.sha256),
      );
  }
  const sidecar = readSidecar(dest);
  const expected = given ?? sidecar;
  const verified: DownloadResult['verified'] = given ? 'given' : sidecar ? 'sidecar' : 'recorded';
  const source = given ? 'the given sha256' : `${sidecarPath(dest)}`;

  if (existsSync(dest)) {
    const have = await hashFile(dest);
    if (expected && have.sha256 !== expected) {
      throw new UserError(
        `${dest} exists but its sha256 ${have.sha256} differs from ${expected} (from ${source}); delete it to download again`,
      );
    }
    if (!sidecar || (given && sidecar !== given)) writeSidecar(dest, have.sha256);
    return { path: dest, ...have, status: 'present', verified };
  }

  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 600_000),
      redirect: 'follow',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new UserError(
      `cannot download ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message} (no network, or the host is down?)`,
    );
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new UserError(
      `cannot download ${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    );
  }

  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.download.tmp`;
  const total = Number(response.headers.get('content-length') ?? 0);
  const progress = options.progress?.(total > 0 ? total : 0) ?? noMeter;
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      progress.tick(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(tmp),
    );
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UserError(
      `cannot download ${url}: the transfer failed after ${bytes} bytes (${(err as Error).message})`,
    );
  } finally {
    progress.stop();
  }
  const sha256 = hash.digest('hex');
  if (expected && sha256 !== expected) {
    rmSync(tmp, { force: true });
    throw new UserError(
      `checksum mismatch for ${url}: got sha256 ${sha256}, expected ${expected} (from ${source}); nothing was saved`,
    );
  }
  renameSync(tmp, dest);
  if (!sidecar || (given && sidecar !== given)) writeSidecar(dest, sha256);
  return { path: dest, sha256, bytes, status: 'downloaded', verified };
}
