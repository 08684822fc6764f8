// The CLI as one bundle, built from the current source, for the tests that start CLI processes
// (src/cli/testing/cli.ts). Under tsx every process pays about a second of CPU for the loader
// that resolves and transforms each of the CLI's ~200 modules; a bundle (esbuild, the
// transformer tsx itself uses) starts like the compiled CLI. Built once per test run, so it is
// never older than the source.
//
// A module's `import.meta.url` is rewritten to its source file's URL, so the paths it resolves
// from there (package.json, python/, the viewer's client files) are those of the source tree.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The entry points, by output name: the CLI and the process behind runCliBatch. */
const ENTRIES = { run: 'src/cli/run.ts', 'cli-batch-child': 'src/cli/testing/cli-batch-child.ts' };

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

/** Builds the bundles into `outdir`; returns the path of each entry's bundle. */
export async function buildCliBundle(root, outdir) {
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES)),
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
  return Object.fromEntries(
    Object.keys(ENTRIES).map((name) => [name, join(outdir, `${name}.mjs`)]),
  );
}
