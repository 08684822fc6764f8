/**
 * Every `docs/<file>.md#<anchor>` cited in the code (src, bench, scripts, examples, python)
 * and in the docs resolves inside the repository: the file exists and has a heading whose
 * GitHub-style anchor is <anchor>. The code cites the project's own docs, not documents
 * outside the repository (no `method-spec §...`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './shared.js';

const ROOTS = ['src', 'bench', 'scripts', 'examples', 'python', 'docs'];
const SKIP = new Set(['node_modules', '.venv', 'dist', '__pycache__']);

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else if (/\.(ts|js|mjs|py|md)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (m) anchors.add(slug(m[1]!));
  }
  return anchors;
}

const sources = ROOTS.flatMap((r) => files(join(repoRoot, r)));

test('slug follows GitHub', () => {
  assert.equal(slug('HotPotQA env'), 'hotpotqa-env');
  assert.equal(slug('Hyper-parameters'), 'hyper-parameters');
  assert.equal(
    slug('WebShop as stepq ports it: the original'),
    'webshop-as-stepq-ports-it-the-original',
  );
});

test('every docs/<file>.md#<anchor> cited in the code and docs resolves', () => {
  const broken: string[] = [];
  let cited = 0;
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/docs\/([\w.-]+\.md)(?:#([\w-]+))?/g)) {
      const [, doc, anchor] = m;
      const path = join(repoRoot, 'docs', doc!);
      const where = `${relative(repoRoot, file)}: docs/${doc}${anchor ? `#${anchor}` : ''}`;
      cited += 1;
      if (!existsSync(path)) broken.push(`${where} (no such file)`);
      else if (anchor && !anchorsOf(readFileSync(path, 'utf8')).has(anchor))
        broken.push(`${where} (no such heading)`);
    }
  }
  assert.ok(cited > 20, `found ${cited} citations`);
  assert.deepEqual(broken, []);
});

test('the code cites no document outside the repository', () => {
  const outside = sources
    .filter((f) => !/(docs\/(method|webshop-port)\.md|doc-links\.test\.ts)$/.test(f))
    .filter((f) => /(method|webshop)-spec/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(repoRoot, f));
  assert.deepEqual(outside, []);
});
