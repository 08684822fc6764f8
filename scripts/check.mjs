#!/usr/bin/env node
// The static checks of `npm test`, side by side: tsc (types), prettier (format) and ESLint
// (lint). Each keeps a cache under node_modules/.cache/stepq, so a re-run checks only what
// changed; a fresh clone (CI) checks everything. A failing check's output is printed whole.
//
// Caveat of ESLint's cache: a file is re-linted when it changes, not when a type it imports
// does; `rm -rf node_modules/.cache/stepq` (or CI's fresh clone) re-checks everything.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cache = join(root, 'node_modules', '.cache', 'stepq');
mkdirSync(cache, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);

const CHECKS = [
  {
    name: 'typecheck',
    command: bin('tsc'),
    args: [
      '-p',
      'tsconfig.json',
      '--noEmit',
      '--incremental',
      '--tsBuildInfoFile',
      join(cache, 'tsc.tsbuildinfo'),
    ],
  },
  {
    name: 'format',
    command: bin('prettier'),
    args: ['--check', '.', '--cache', '--cache-location', join(cache, 'prettier-cache')],
  },
  {
    name: 'lint',
    command: bin('eslint'),
    args: ['.', '--cache', '--cache-location', join(cache, 'eslint-cache')],
  },
];

function run({ name, command, args }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const done = (code, text) =>
      resolve({ name, code, output: text, seconds: (Date.now() - started) / 1000 });
    child.on('error', (err) => done(1, `${err.message}\n`));
    child.on('close', (code) => done(code ?? 1, output));
  });
}

const results = await Promise.all(CHECKS.map(run));
for (const { name, code, output, seconds } of results) {
  process.stdout.write(`# ${name}: ${code === 0 ? 'ok' : 'FAILED'} (${seconds.toFixed(1)} s)\n`);
  if (code !== 0) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
