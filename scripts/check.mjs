#!/usr/bin/env node
// The static checks of `npm test`: types (TypeScript), lint (ESLint, type-aware) and format
// (prettier). Types and lint share one TypeScript program in this process: typescript-eslint's
// type-aware rules otherwise build and check a second copy of the same program, which was
// about a third of the checks' CPU. Prettier runs beside them in its own process.
//
// Usage: node scripts/check.mjs (`npm run check`; `npm test` runs it beside the tests)
//
// Each check keeps a cache under node_modules/.cache/stepq (TypeScript's build info, ESLint's
// and prettier's caches), so a re-run checks only what changed; a fresh clone checks all.
// Caveat of ESLint's cache: a file is re-linted when it changes, not when a type it imports
// does; `rm -rf node_modules/.cache/stepq` (or CI's fresh clone) re-checks everything.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import tseslint from 'typescript-eslint';
import { runChild } from './child.mjs';

const root = new URL('..', import.meta.url).pathname;
const cache = join(root, 'node_modules', '.cache', 'stepq');
mkdirSync(cache, { recursive: true });

/** Prettier in a child process (it is the one check that does not need the program). */
async function format() {
  const started = Date.now();
  const { code, output } = await runChild(
    join(root, 'node_modules', '.bin', 'prettier'),
    ['--check', '.', '--cache', '--cache-location', join(cache, 'prettier-cache')],
    { cwd: root },
  );
  return { name: 'format', ok: code === 0, output, seconds: elapsed(started) };
}

function elapsed(started) {
  return (Date.now() - started) / 1000;
}

/** tsconfig.json's program, incremental: a re-run re-checks only files that changed. */
function createProgram() {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} };
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    { noEmit: true, incremental: true, tsBuildInfoFile: join(cache, 'tsc.tsbuildinfo') },
    host,
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  return ts.createIncrementalProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: config.errors,
  });
}

function typecheck(builder) {
  const started = Date.now();
  const diagnostics = [
    ...builder.getConfigFileParsingDiagnostics(),
    ...builder.getOptionsDiagnostics(),
    ...builder.getGlobalDiagnostics(),
    ...builder.getSyntacticDiagnostics(),
    ...builder.getSemanticDiagnostics(),
  ];
  builder.emit(); // with noEmit, writes only the build info
  const output = ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
  return { name: 'typecheck', ok: diagnostics.length === 0, output, seconds: elapsed(started) };
}

/** typescript-eslint's parser, with type information from `program`. */
function parserOver(program) {
  const { parser } = tseslint;
  return {
    meta: { name: 'stepq-shared-program', version: parser.meta?.version ?? '0' },
    parseForESLint: (code, options) =>
      parser.parseForESLint(code, { ...options, projectService: false, programs: [program] }),
  };
}

async function lint(program) {
  const started = Date.now();
  const eslint = new ESLint({
    cwd: root,
    cache: true,
    cacheLocation: join(cache, 'eslint-cache'),
    // The type-aware rules read the program typecheck built instead of building their own.
    // A parser object, not a `programs` option: ESLint's cache hashes the options as JSON.
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: parserOver(program) } }],
  });
  const results = await eslint.lintFiles(['.']);
  const problems = results.reduce((s, r) => s + r.errorCount + r.warningCount, 0);
  const output = await (await eslint.loadFormatter('stylish')).format(results);
  return { name: 'lint', ok: problems === 0, output, seconds: elapsed(started) };
}

const formatting = format();
const started = Date.now();
const builder = createProgram();
const program = builder.getProgram();
const programSeconds = elapsed(started);
const typed = typecheck(builder);
const linting = await lint(program).catch((err) => ({
  name: 'lint',
  ok: false,
  output: `${err instanceof Error ? err.message : String(err)}\n`,
  seconds: 0,
}));
const results = [typed, linting, await formatting];
process.stdout.write(`# program: ${programSeconds.toFixed(1)} s (shared by typecheck and lint)\n`);
for (const { name, ok, output, seconds } of results) {
  process.stdout.write(`# ${name}: ${ok ? 'ok' : 'FAILED'} (${seconds.toFixed(1)} s)\n`);
  if (!ok) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
