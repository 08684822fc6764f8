/**
 * The package as a user gets it: `npm pack` the built dist, install the tarball into a
 * temporary project, and `import('stepq')` there. Checks that the documented names are
 * exported, that the exports map keeps internal files private, and that no test kit ships.
 * Uses the dist that `npm ci` / `npm run build` produced (the test skips, saying so, when
 * dist is missing or older than src). The tarball's dependencies are linked from this
 * checkout's node_modules, so the test needs no network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The names docs/extending.md and the README's library section rely on. */
export const DOCUMENTED_NAMES = [
  'registerEnv',
  'envNames',
  'getEnv',
  'createEnv',
  'checkEnvConformance',
  'registerSearchAlgorithm',
  'searchAlgorithmNames',
  'registerDecisionRule',
  'decisionRuleNames',
  'heuristicPolicy',
  'openaiPolicy',
  'ggufPolicy',
  'learnedQModel',
  'llmQModel',
  'ggufQModel',
  'samplingPolicy',
  'parseReply',
  'policyMessages',
  'qModelMessages',
  'collectTrees',
  'buildPairs',
  'trainQModel',
  'saveQModel',
  'runEval',
  'runEpisode',
  'runPipeline',
  'DEFAULT_TRAIN_OPTIONS',
  'DEFAULT_POLICY_SETTINGS',
  'PIPELINE_SETTINGS',
  'defaultsOf',
  'MCTS_DEFAULTS',
  'pairedBootstrap',
  'Rng',
  'seedFrom',
  'UserError',
];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function distProblem(): string | undefined {
  const entry = join(root, 'dist', 'index.js');
  if (!existsSync(entry)) return 'dist/index.js is missing; run `npm run build` first';
  if (statSync(entry).mtimeMs < newestSource(join(root, 'src')))
    return 'dist is older than src; run `npm run build` first';
  return undefined;
}

/** Packs the checkout and installs the tarball into a fresh project; returns the project folder. */
export function installPacked(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-pack-'));
  const out = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const [info] = JSON.parse(out) as Array<{ filename: string }>;
  assert.ok(info, 'npm pack printed no file');
  const project = join(dir, 'project');
  const target = join(project, 'node_modules', 'stepq');
  mkdirSync(target, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    '{ "name": "app", "private": true, "type": "module" }\n',
  );
  execFileSync('tar', ['-xzf', join(dir, info.filename), '-C', target, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const dep of Object.keys(pkg.dependencies)) {
    const link = join(project, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), link, 'dir');
  }
  return project;
}

test('the packed package installs and `import("stepq")` exposes the documented API', (t) => {
  const problem = distProblem();
  if (problem) {
    t.skip(problem);
    return;
  }
  const project = installPacked();
  try {
    const shipped = readdirSync(join(project, 'node_modules', 'stepq', 'dist'), {
      recursive: true,
    }).map(String);
    const kits = shipped.filter((f) => /testkit|testing|\.test\.js$/.test(f));
    assert.deepEqual(kits, [], 'test kits in the package');

    const script = `
      const stepq = await import('stepq');
      const missing = ${JSON.stringify(DOCUMENTED_NAMES)}.filter((n) => !(n in stepq));
      let deep = 'importable';
      try { await import('stepq/dist/search/mcts.js'); } catch (e) { deep = e.code; }
      console.log(JSON.stringify({ missing, envs: stepq.envNames(), rules: stepq.decisionRuleNames(),
        search: stepq.searchAlgorithmNames(), deep }));`;
    writeFileSync(join(project, 'check.mjs'), script);
    const result = JSON.parse(
      execFileSync(process.execPath, ['check.mjs'], { cwd: project, encoding: 'utf8' }),
    ) as { missing: string[]; envs: string[]; rules: string[]; search: string[]; deep: string };
    assert.deepEqual(result.missing, []);
    assert.deepEqual(result.envs, ['hotpotqa', 'webshop']);
    assert.ok(result.rules.includes('qguided') && result.rules.includes('greedy'));
    assert.ok(result.search.includes('mcts'));
    assert.equal(result.deep, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
    const types = readFileSync(
      join(project, 'node_modules', 'stepq', 'dist', 'index.d.ts'),
      'utf8',
    );
    assert.match(types, /registerEnv/);
  } finally {
    rmSync(dirname(project), { recursive: true, force: true });
  }
});

/** The names a code block imports from 'stepq' (`type` markers dropped). */
function importedNames(code: string): string[] {
  const names: string[] = [];
  for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'stepq'/g))
    for (const part of (m[1] ?? '').split(','))
      if (part.trim()) names.push(part.trim().replace(/^type\s+/, ''));
  return names;
}

test("the README's library snippet uses exported names that the example program exercises", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split('## Use stepq as a library')[1]?.split('\n## ')[0] ?? '';
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'README: no ts snippet under "Use stepq as a library"');
  const snippet = importedNames(code);
  assert.ok(snippet.length >= 5, `only ${snippet.length} names in the snippet`);
  const example = new Set(
    ['run.ts', 'register.ts'].flatMap((f) =>
      importedNames(readFileSync(join(root, 'examples', f), 'utf8')),
    ),
  );
  assert.deepEqual(
    snippet.filter((n) => !example.has(n)),
    [],
    'snippet names examples/run.ts does not use',
  );
  const api = (await import('./index.js')) as Record<string, unknown>;
  const types = readFileSync(join(root, 'src', 'index.ts'), 'utf8');
  for (const name of snippet)
    assert.ok(name in api || new RegExp(`\\btype ${name}\\b`).test(types), `${name} not exported`);
});
