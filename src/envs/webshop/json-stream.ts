/**
 * Streams the entries of a top-level JSON array or object from a file without holding
 * the whole text in memory: the full WebShop catalogue (items_shuffle.json) is larger
 * than the longest string V8 can hold. Each entry is parsed on its own, so a syntax
 * error names the entry and its line.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { UserError } from '../../core/errors.js';

export interface JsonEntry {
  /** The member name when the top level is an object. */
  key?: string;
  value: unknown;
  /** 0-based position among the top-level entries. */
  index: number;
  /** 1-based line where the entry starts. */
  line: number;
}

const CHUNK = 8 * 1024 * 1024;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function openOrFail(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`);
    throw new UserError(`${file}: cannot read (${code ?? String(err)})`);
  }
}

/** Calls `onEntry` for every element of the top-level array or member of the top-level object. */
export function forEachJsonEntry(
  file: string,
  expect: 'array' | 'object',
  onEntry: (entry: JsonEntry) => void,
  chunkSize = CHUNK,
): number {
  const fd = openOrFail(file);
  const buf = Buffer.allocUnsafe(chunkSize);
  let line = 1;
  let top: 'array' | 'object' | undefined;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: Buffer[] = [];
  let partStart = -1;
  let entryLine = 0;
  let index = 0;
  let closed = false;

  const flush = () => {
    const text = Buffer.concat(parts).toString('utf8').trim();
    parts = [];
    if (!text) return;
    let value: unknown;
    let key: string | undefined;
    try {
      if (top === 'object') {
        const obj = JSON.parse(`{${text}}`) as Record<string, unknown>;
        const entries = Object.entries(obj);
        if (entries.length !== 1) throw new Error('expected one "key": value member');
        [key, value] = entries[0] as [string, unknown];
      } else {
        value = JSON.parse(text);
      }
    } catch (err) {
      throw new UserError(
        `${file}: line ${entryLine}, record ${index}: not valid JSON (${(err as Error).message})`,
      );
    }
    onEntry({ key, value, index, line: entryLine });
    index++;
  };

  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const b = buf[i] as number;
        if (b === NEWLINE) line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          continue;
        }
        if (closed) {
          if (!isSpace(b))
            throw new UserError(
              `${file}: line ${line}: unexpected text after the top-level JSON ${top}`,
            );
          continue;
        }
        if (top === undefined) {
          if (isSpace(b)) continue;
          if (b === 0x5b) top = 'array';
          else if (b === 0x7b) top = 'object';
          else throw new UserError(`${file}: line ${line}: expected a JSON ${expect}`);
          if (top !== expect)
            throw new UserError(
              `${file}: expected a JSON ${expect} at the top level, found an ${top}`,
            );
          depth = 1;
          continue;
        }
        if (depth === 1 && partStart < 0) {
          if (isSpace(b)) continue;
          if (b === 0x5d || b === 0x7d) {
            closed = true;
            depth = 0;
            continue;
          }
          partStart = i;
          entryLine = line;
        }
        if (b === QUOTE) inString = true;
        else if (b === 0x5b || b === 0x7b) depth++;
        else if (b === 0x5d || b === 0x7d) {
          depth--;
          if (depth === 0) {
            parts.push(Buffer.from(buf.subarray(partStart, i)));
            partStart = -1;
            flush();
            closed = true;
          }
        } else if (b === 0x2c && depth === 1) {
          parts.push(Buffer.from(buf.subarray(partStart, i)));
          partStart = -1;
          flush();
        }
      }
      if (partStart >= 0) {
        parts.push(Buffer.from(buf.subarray(partStart, n)));
        partStart = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (top === undefined) throw new UserError(`${file}: empty file, expected a JSON ${expect}`);
  if (!closed)
    throw new UserError(`${file}: line ${line}: the JSON ${top} is not closed (truncated file?)`);
  return index;
}
