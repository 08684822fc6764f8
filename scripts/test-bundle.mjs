// The test suite as JavaScript, bundled from the current source with esbuild (the transformer
// tsx itself uses), for scripts/run-tests.mjs. Under tsx every process pays for a loader that
// resolves and transforms each module (about a second of CPU for the CLI's ~200 modules, and
// on a machine whose transform cache is empty, every process transforms every file again);
// one build of all entry points at once, split into shared chunks, takes about a second and its
// processes start like compiled code. Built once per test run, so it is never older than the
// source.
//
// A module's `import.meta.url` is rewritten to its source file's URL, so the paths it resolves
// from there (fixtures beside a test, package.json, python/, the viewer's client files) are
// those of the source tree. Outputs mirror the source paths: src/a/b.ts -> <outdir>/src/a/b.mjs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      const url = JSON.stringify(pathToFileURL(path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Where `entry` (a path relative to the repository, e.g. src/cli/run.ts) is in the bundle. */
export function bundledPath(outdir, entry) {
  return join(outdir, entry.replace(/\.ts$/, '.mjs'));
}

/** Bundles `entries` (paths relative to `root`) into `outdir`. */
export async function buildTestBundle(root, outdir, entries) {
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    outbase: root,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [sourceUrls],
  });
}
