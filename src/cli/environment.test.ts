import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../testing/shared.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

// Passing the whole environment on to a child process (the Python recipe) is not reading it.
const ALLOWED = new Set(['src/qmodel/trl/python.ts']);

test('only the CLI reads environment variables; the library takes them as options', () => {
  const readers = sources(join(repoRoot, 'src'))
    .map((f) => relative(repoRoot, f))
    .filter((f) => !f.startsWith('src/cli/') && !f.includes('/testing/') && !ALLOWED.has(f))
    .filter((f) => /process\.env\b/.test(readFileSync(join(repoRoot, f), 'utf8')));
  assert.deepEqual(readers, []);
});
