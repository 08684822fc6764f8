#!/usr/bin/env node
// `npm run example`: runs examples/run.ts against the PACKED package, as a user would get it.
// 1. `npm pack` this checkout (building dist first when it is missing or older than src);
// 2. install the tarball into a fresh temporary project (`npm install`, dependencies from the
//    registry or npm's cache);
// 3. copy examples/ there, type-check and compile it against the installed package's types;
// 4. run the compiled program with plain node, then the installed CLI on the example env.
// Usage: node scripts/run-example.mjs [--keep]   (--keep leaves the temporary folder)
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}
const entry = join(root, 'dist', 'index.js');
if (!existsSync(entry) || statSync(entry).mtimeMs < newest(join(root, 'src'))) {
  console.error('[example] building dist');
  run('npm', ['run', 'build', '--silent'], root);
}

const dir = mkdtempSync(join(tmpdir(), 'stepq-example-'));
try {
  console.error(`[example] packing into ${dir}`);
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: root,
      encoding: 'utf8',
    }),
  );
  const tarball = join(dir, packed[0].filename);
  const app = join(dir, 'app');
  cpSync(join(root, 'examples'), app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'stepq-example', private: true, type: 'module' }, null, 2),
  );
  console.error('[example] installing the tarball');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent', tarball], app);
  // The example's own tsconfig: only the installed package (no path into this checkout's src).
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023'],
          strict: true,
          skipLibCheck: true,
          outDir: 'out',
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        include: ['*.ts', 'arith', 'search'],
      },
      null,
      2,
    ),
  );
  console.error('[example] compiling examples/ against the installed package');
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], app);
  console.error('[example] running');
  run(process.execPath, [join(app, 'out', 'run.js'), join(dir, 'run')], app);
  // The CLI finds an env registered from outside, too (Node's --import loads the registration).
  console.error('[example] the installed CLI on the example env');
  run(
    process.execPath,
    [
      '--import',
      './out/register.js',
      join(app, 'node_modules', 'stepq', 'bin', 'stepq.js'),
      'eval',
      '--env',
      'arith',
      '--data',
      'builtin:arith:20',
      '--split',
      'test',
      '--json',
    ],
    app,
  );
} finally {
  if (keep) console.error(`[example] kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
