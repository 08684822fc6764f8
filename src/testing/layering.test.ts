/**
 * Layering, enforced: no import cycle between source files, none between the top-level
 * folders of src/ (src/core, src/envs, src/agent, ...), and no library code importing
 * src/cli. Every relative import counts: static, type-only and dynamic `import()` alike,
 * since a lazy import is still a dependency. Test files are left out (they may import
 * anything). The import graph is read with the TypeScript compiler's import scanner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './shared.js';

const SRC = join(repoRoot, 'src');

/**
 * Edges that still close a cycle, each to be removed by the change named beside it; the
 * test fails when one no longer exists, so the list only shrinks. Add nothing here.
 */
const KNOWN_CYCLE_EDGES: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Relative imports of each file (paths relative to src/, `.js` specifiers mapped to `.ts`). */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const deps = new Set<string>();
    // TypeScript's import scanner: static, type-only and re-exporting imports and `import()`.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      deps.add(relative(SRC, target).split('\\').join('/'));
    }
    graph.set(relative(SRC, file).split('\\').join('/'), deps);
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan), each sorted. */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) connect(v);
  return found;
}

const topFolder = (file: string) => (file.includes('/') ? file.split('/')[0]! : '(src)');

function withoutKnown(graph: Map<string, Set<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [file, deps] of graph)
    out.set(file, new Set([...deps].filter((d) => !(`${file} -> ${d}` in KNOWN_CYCLE_EDGES))));
  return out;
}

function folderGraph(graph: ReadonlyMap<string, ReadonlySet<string>>) {
  const folders = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const [file, deps] of graph)
    for (const dep of deps) {
      const [a, b] = [topFolder(file), topFolder(dep)];
      if (a === b) continue;
      if (!folders.has(a)) folders.set(a, new Set());
      folders.get(a)!.add(b);
      if (!why.has(`${a} -> ${b}`)) why.set(`${a} -> ${b}`, `${file} -> ${dep}`);
    }
  return { folders, why };
}

const graph = importGraph();

test('the import graph is read (sanity)', () => {
  assert.ok(graph.size > 50);
  assert.ok(graph.get('cli/main.ts')?.size, 'cli/main.ts imports something');
  // A type-only import and a lazy import() count as edges.
  assert.ok(graph.get('eval/episode.ts')?.has('core/env.ts'), 'import type');
  assert.ok(graph.get('cli/specs.ts')?.has('agent/heuristic/index.ts'), 'import()');
});

test('no import cycle between source files', () => {
  assert.deepEqual(cycles(withoutKnown(graph)), []);
});

test('no import cycle between the top-level folders of src/', () => {
  const { folders, why } = folderGraph(withoutKnown(graph));
  const found = cycles(folders);
  const edges = found.flatMap((c) =>
    [...why].filter(([e]) => c.includes(e.split(' -> ')[0]!) && c.includes(e.split(' -> ')[1]!)),
  );
  assert.deepEqual(found, [], `edges inside the cycle:\n${edges.map(([, w]) => w).join('\n')}`);
});

test('no library code imports src/cli', () => {
  const offenders = [...graph]
    .filter(([file]) => topFolder(file) !== 'cli')
    .flatMap(([file, deps]) =>
      [...deps].filter((d) => topFolder(d) === 'cli').map((d) => `${file} -> ${d}`),
    );
  assert.deepEqual(offenders, []);
});

test('every known cycle edge still exists (remove fixed ones from KNOWN_CYCLE_EDGES)', () => {
  const stale = Object.keys(KNOWN_CYCLE_EDGES).filter((edge) => {
    const [from, to] = edge.split(' -> ') as [string, string];
    return !graph.get(from)?.has(to);
  });
  assert.deepEqual(stale, []);
});
