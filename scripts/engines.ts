/**
 * `npm run test:engines`: the contract between the two engines of the LLM Q-value model
 * (docs/llm-qmodel-contract.md), checked end to end on a CPU with nothing downloaded.
 *
 * A real `stepq collect` (heuristic policy, built-in world) and `stepq pairs` give the pairs;
 * pairs with multi-byte text and one past the truncation limit are added; a tiny random llama
 * model with a SentencePiece tokenizer is built on the spot, DPO-trained for a few steps by
 * `stepq train --engine trl` (TRL's DPOTrainer) and converted to GGUF (llama.cpp's converter).
 * Then every pair's Q(chosen) and Q(rejected) from stepq's scorers, in-process (`gguf:DIR`,
 * node-llama-cpp) and over HTTP (`llm:DIR,...` against llama-cpp-python's server serving the
 * two GGUFs as two models), must equal the transformers computation within 1e-3.
 * It fails, never skips, when a piece is missing. Last line: `engines: N pairs, max |dQ| = X`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/envs/index.js'; // registers the built-in envs (hotpotqa, webshop)
import type { StepContext } from '../src/core/messages.js';
import { qModelMessages } from '../src/agent/conversation.js';
import { readPairs, toTrl, type Pair } from '../src/data/pairs.js';
import { chatTemplate } from '../src/qmodel/chat-templates.js';
import { loadQModel } from '../src/cli/specs.js';
import { checkPythonSide, defaultPython, pythonEnv } from '../src/qmodel/trl/python.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOLERANCE = 1e-3;
const MAX_LENGTH = 1024;
const python = process.env.STEPQ_PYTHON ?? defaultPython();
const work = mkdtempSync(join(tmpdir(), 'stepq-engines-'));
const keep = process.env.STEPQ_ENGINES_KEEP === '1';

function log(message: string): void {
  process.stderr.write(`engines: ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`engines: FAILED: ${message}\n`);
  process.exit(1);
}

function run(command: string, args: string[], what: string): string {
  const started = Date.now();
  const done = spawnSync(command, args, {
    cwd: ROOT,
    env: pythonEnv(),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (done.status !== 0) {
    const tail = `${done.stderr ?? ''}${done.stdout ?? ''}`
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
    fail(`${what} (exit ${done.status ?? done.signal}):\n${tail}`);
  }
  log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return done.stdout;
}

const stepq = (args: string[], what: string) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/run.ts'), ...args], what);

/** Two pairs the built-in world does not produce: multi-byte text, and a prompt past MAX_LENGTH. */
function extraPairs(base: Pair): Pair[] {
  const withContext = (context: StepContext, id: string): Pair => ({
    ...base,
    id,
    context: { ...context, history: [...context.history] },
    prompt: qModelMessages(context),
  });
  const accents = withContext(
    { ...base.context, task: `${base.context.task} (café, naïve, Zürich, 東京, “quotes” ✓)` },
    `${base.id}+multibyte`,
  );
  // Digits are one token each (the tokenizer splits them), so wherever the left cut lands the
  // kept text tokenises back to the kept ids: llama-cpp-python's server takes text prompts only,
  // and the scorer refuses a cut it cannot send as text (inside a multi-byte character).
  const longText = `Record ${'0123456789'.repeat(160)} ends.`;
  const history = base.context.history.length
    ? base.context.history.map((h, i) =>
        i === 0 ? { ...h, observation: `${h.observation} ${longText}` } : h,
      )
    : [{ text: 'Thought: look\nAction: Search[x]', action: 'Search[x]', observation: longText }];
  const long = withContext({ ...base.context, history }, `${base.id}+long`);
  return [{ ...accents, chosen: `${base.chosen.replace('Thought: ', 'Thought: ü ')}` }, long];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startServer(config: string, port: number): Promise<ChildProcess> {
  const child = spawn(python, ['-m', 'llama_cpp.server', '--config_file', config], {
    cwd: ROOT,
    env: pythonEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const errors: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    errors.push(d.toString());
    if (errors.length > 50) errors.shift();
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`llama-cpp-python's server exited:\n${errors.join('')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/models`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  fail(`llama-cpp-python's server did not answer within 120 s:\n${errors.join('')}`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Side {
  q: number;
  truncated: number;
  promptTokens: number;
}

interface Expected {
  line: number;
  chosen: Side | null;
  rejected: Side | null;
}

async function scoreAll(spec: string, pairs: Pair[], expected: Expected[]): Promise<number> {
  const qmodel = await loadQModel(spec);
  let worst = 0;
  for (const [i, pair] of pairs.entries()) {
    const want = expected[i] as Expected;
    const got = await qmodel.score(pair.context, [pair.chosen, pair.rejected]);
    for (const [k, side] of (['chosen', 'rejected'] as const).entries()) {
      const w = want[side];
      if (!w) fail(`pair ${i + 1}: transformers could not score the ${side} side`);
      const d = Math.abs((got[k] as number) - w.q);
      if (!Number.isFinite(d)) fail(`${spec.split(',')[0]}: pair ${i + 1} ${side}: Q = ${got[k]}`);
      if (d > TOLERANCE)
        log(
          `  pair ${i + 1} (${pair.id}) ${side}: stepq ${got[k]}, transformers ${w.q} (${w.promptTokens} prompt tokens, ${w.truncated} cut)`,
        );
      worst = Math.max(worst, d);
    }
  }
  const closer = (qmodel as { close?: () => Promise<void> }).close;
  if (closer) await closer.call(qmodel);
  return worst;
}

async function main(): Promise<void> {
  checkPythonSide(python);
  run(python, ['-c', 'import llama_cpp.server'], "llama-cpp-python's server importable");
  run(
    python,
    ['-c', 'import stepq_trl.convert as c; c.converter_dir()'],
    "llama.cpp's converter present",
  );

  const collected = join(work, 'collect');
  stepq(
    [
      'collect',
      '--env',
      'hotpotqa',
      '--data',
      'builtin:synthetic:12',
      '--split',
      'train',
      '--iterations',
      '8',
      '--n',
      '3',
      '--out',
      collected,
      '--json',
    ],
    'stepq collect (heuristic, built-in world)',
  );
  const stepqPairs = join(work, 'pairs.stepq.jsonl');
  const exported = join(work, 'pairs.exported.jsonl');
  stepq(['pairs', '--trees', collected, '--out', stepqPairs, '--json'], 'stepq pairs');
  stepq(
    [
      'pairs',
      '--trees',
      collected,
      '--format',
      'trl',
      '--template',
      'phi3',
      '--out',
      exported,
      '--json',
    ],
    'stepq pairs --format trl',
  );
  const real = readPairs(stepqPairs);
  if (real.length === 0) fail('the collect run gave no pairs');
  const pairs = [...real, ...extraPairs(real[0] as Pair)];
  const template = chatTemplate('phi3');
  const trl = join(work, 'pairs.trl.jsonl');
  const exportedLines = readFileSync(exported, 'utf8').trim().split('\n');
  const extraLines = pairs.slice(real.length).map((p) => JSON.stringify(toTrl(p, template)));
  writeFileSync(trl, `${[...exportedLines, ...extraLines].join('\n')}\n`);
  const corpus = join(work, 'corpus.txt');
  writeFileSync(
    corpus,
    pairs.flatMap((p) => [...p.prompt.map((m) => m.content), p.chosen, p.rejected]).join('\n'),
  );

  const base = join(work, 'tiny');
  run(
    python,
    ['-m', 'stepq_trl', 'tiny-model', base, '--corpus', corpus, '--max-positions', '2048'],
    'tiny llama model + SentencePiece tokenizer',
  );
  const out = join(work, 'qmodel');
  stepq(
    [
      'train',
      '--engine',
      'trl',
      '--python',
      python,
      '--base',
      base,
      '--pairs',
      trl,
      '--out',
      out,
      '--max-length',
      String(MAX_LENGTH),
      '--effective-batch',
      '4',
      '--max-steps',
      '4',
      '--lr',
      '0.005',
      '--dtype',
      'float32',
      '--gguf',
      '--json',
    ],
    'stepq train --engine trl --gguf (DPOTrainer, 4 steps)',
  );
  const expected = run(
    python,
    ['-m', 'stepq_trl', 'qvalues', out, '--pairs', trl],
    'Q with transformers',
  )
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Expected);
  if (expected.length !== pairs.length)
    fail(`transformers scored ${expected.length} of ${pairs.length} pairs`);
  const truncated = expected.filter((e) => (e.chosen?.truncated ?? 0) > 0).length;
  if (truncated === 0) fail(`no pair reached the truncation limit ${MAX_LENGTH}`);
  const biggest = Math.max(
    ...expected.flatMap((e) => [Math.abs(e.chosen?.q ?? 0), Math.abs(e.rejected?.q ?? 0)]),
  );
  if (biggest < 1e-2)
    fail(`training barely moved the policy (max |Q| = ${biggest}); the check would be vacuous`);
  log(`${pairs.length} pairs (${truncated} cut from the left), max |Q| = ${biggest.toFixed(4)}`);

  let started = Date.now();
  const ggufWorst = await scoreAll(`gguf:${out}`, pairs, expected);
  log(
    `gguf:${out} (node-llama-cpp): max |dQ| = ${ggufWorst.toExponential(2)}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const port = await freePort();
  const config = join(work, 'server.json');
  const model = (file: string, alias: string) => ({
    model: join(out, file),
    model_alias: alias,
    n_ctx: 2048,
    logits_all: true,
    n_threads: 2,
    verbose: false,
  });
  writeFileSync(
    config,
    JSON.stringify({
      host: '127.0.0.1',
      port,
      models: [model('gguf/policy.gguf', 'policy'), model('gguf/reference.gguf', 'reference')],
    }),
  );
  started = Date.now();
  const server = await startServer(config, port);
  let httpWorst: number;
  try {
    const url = `http://127.0.0.1:${port}/v1`;
    httpWorst = await scoreAll(
      `llm:${out},policy=policy@${url},ref=reference@${url}`,
      pairs,
      expected,
    );
  } finally {
    await stopServer(server);
  }
  log(
    `llm: (llama-cpp-python server): max |dQ| = ${httpWorst.toExponential(2)}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const worst = Math.max(ggufWorst, httpWorst);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
  if (!(worst <= TOLERANCE)) fail(`max |dQ| = ${worst} > ${TOLERANCE}`);
  process.stdout.write(`engines: ${pairs.length} pairs, max |dQ| = ${worst.toExponential(2)}\n`);
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
