#!/usr/bin/env node
// `npm test`: the static checks (scripts/check.mjs) and the tests (scripts/run-tests.mjs) side
// by side: the checks' one long thread (TypeScript's program, then ESLint) runs while the test
// shards wait on servers and child processes, instead of before them. The checks' report is
// printed after the tests'; the exit status fails when either fails.
//
// Usage: node scripts/test.mjs [run-tests options and filters]
//   With filters (a subset of the tests) the checks are skipped: `npm run check` runs them.
import { availableParallelism } from 'node:os';
import { runChild } from './child.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
/** Whether a path filter is given (anything but run-tests' options and --shards' value). */
const subset = args.some((a, i) => !a.startsWith('--') && args[i - 1] !== '--shards');

function run(script, scriptArgs, capture) {
  return runChild(process.execPath, [script, ...scriptArgs], { cwd: root, capture });
}

const started = Date.now();
const checks = subset ? undefined : run('scripts/check.mjs', [], true);
// The checks take the place of run-tests' extra shard (one per core plus one when the tests run
// alone): on 2 cores, five busy processes cost more CPU than four for the same work.
const shards =
  checks && !args.includes('--shards') ? ['--shards', String(availableParallelism())] : [];
const tests = await run('scripts/run-tests.mjs', [...shards, ...args], false);
let failed = tests.code !== 0;
if (checks) {
  const { code, output } = await checks;
  process.stdout.write(`\n# static checks\n${output}`);
  failed ||= code !== 0;
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`# npm test: ${failed ? 'FAILED' : 'ok'} (${seconds} s)`);
process.exit(failed ? 1 : 0);
