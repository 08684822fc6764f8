/**
 * File helpers: nothing half-written is ever left behind under the final name, a JSONL log
 * never keeps a torn last line, and a file-system failure becomes one line naming the path.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  statSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FatalRunError, UserError } from './errors.js';

let counter = 0;

/**
 * `mkdir -p` without Node's recursive mkdir, which loops forever where mkdir answers ENOENT
 * for a parent that exists (e.g. under /proc): the missing folders are made top-down, once.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`${at}: not a folder`), {
        code: 'ENOTDIR',
        syscall: 'mkdir',
        path: at,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Writes via a temp file in the same folder, fsyncs, then renames over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDirs(dirname(path));
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown, pretty = false): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
}

/** Why a file-system call failed, in words, by errno code. */
const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a file is in the way where a folder should be',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EBUSY: 'busy',
  EIO: 'input/output error',
};

/** True for Node's file-system errors (they carry an errno code and usually a path). */
export function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return (
    err instanceof Error &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    typeof (err as NodeJS.ErrnoException).syscall === 'string'
  );
}

/**
 * One UserError for a failed file-system call: `<path>: cannot <action> (<reason>)`, e.g.
 * `runs/x: cannot write (permission denied)`, fatal to the run. UserErrors pass through; an
 * error without an errno code is returned as it is.
 */
export function fsError(err: unknown, path?: string, action = 'access'): Error {
  if (err instanceof UserError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (!code) return err instanceof Error ? err : new Error(String(err));
  const where = path ?? e.path ?? '(unknown path)';
  const reason = FS_REASONS[code] ?? code;
  const at = path && e.path && e.path !== path ? `; at ${e.path}` : '';
  return new FatalRunError(`${where}: cannot ${action} (${reason}${at})`);
}

/**
 * Appends one JSON line. A last line left torn by a crash (no final newline) is cut off
 * first, so the new record starts on a line of its own and the log stays valid JSONL.
 */
export function appendJsonLine(path: string, value: unknown): void {
  const fd = openSync(path, 'a+');
  try {
    repairTornTail(fd);
    writeSync(fd, `${JSON.stringify(value)}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Truncates an open file back to just after its last newline (a no-op when it ends in one). */
function repairTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return;
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    const got = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, got).lastIndexOf(0x0a);
    if (at >= 0) {
      ftruncateSync(fd, start + at + 1);
      return;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
}
