/**
 * Boundary validation: parse external JSON / JSONL with a zod schema and turn any
 * failure into a UserError that names the file, the line and the field.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from './errors.js';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${file}: is a folder, expected a file`);
    throw new UserError(`${file}: cannot read (${code ?? String(err)})`);
  }
}

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Character offsets where each element of a top-level JSON array starts (string-aware scan). */
export function topLevelElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (depth === 1 && expectingElement && ch !== ']') {
      offsets.push(i);
      expectingElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1 && ch === '[') expectingElement = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectingElement = true;
  }
  return offsets;
}

/** `context[2][1]`-style rendering of a zod issue path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `field ${formatPath(issue.path)}: ${issue.message}`;
}

function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? `line ${lineOf(text, Number(pos[1]))}: ` : '';
    throw new UserError(`${file}: ${where}not valid JSON (${msg})`);
  }
}

/** Parses a JSON file and validates the whole value. */
export function readJsonFile<T extends z.ZodType>(file: string, schema: T): z.output<T> {
  const text = readText(file);
  const value = parseJsonText(file, text);
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const path = first?.path ?? [];
    let where = '';
    if (Array.isArray(value) && typeof path[0] === 'number') {
      const offsets = topLevelElementOffsets(text);
      const off = offsets[path[0]];
      if (off !== undefined) where = `line ${lineOf(text, off)}, record ${path[0]}, `;
    }
    throw new UserError(`${file}: ${where}${first ? describeIssue(first) : 'invalid'}`);
  }
  return result.data;
}

/**
 * Parses a JSON file holding an array and validates each record on its own, so the
 * error names the record (and its line) rather than the whole file.
 */
export function readJsonArrayFile<T extends z.ZodType>(
  file: string,
  record: T,
): Array<z.output<T>> {
  const text = readText(file);
  const value = parseJsonText(file, text);
  if (!Array.isArray(value)) throw new UserError(`${file}: expected a JSON array of records`);
  let offsets: number[] | undefined;
  return value.map((item, index) => {
    const result = record.safeParse(item);
    if (!result.success) {
      offsets ??= topLevelElementOffsets(text);
      const off = offsets[index];
      const line = off === undefined ? '' : `line ${lineOf(text, off)}, `;
      const first = result.error.issues[0];
      throw new UserError(
        `${file}: ${line}record ${index}: ${first ? describeIssue(first) : 'invalid'}`,
      );
    }
    return result.data;
  });
}

/** Parses a JSONL file (one JSON value per non-empty line), validating each line. */
export function readJsonlFile<T extends z.ZodType>(file: string, record: T): Array<z.output<T>> {
  const text = readText(file);
  return parseJsonlText(file, text, record);
}

export function parseJsonlText<T extends z.ZodType>(
  file: string,
  text: string,
  record: T,
): Array<z.output<T>> {
  const out: Array<z.output<T>> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]?.trim();
    if (!raw) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new UserError(`${file}: line ${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    const result = record.safeParse(value);
    if (!result.success) {
      const first = result.error.issues[0];
      throw new UserError(`${file}: line ${i + 1}: ${first ? describeIssue(first) : 'invalid'}`);
    }
    out.push(result.data);
  }
  return out;
}
