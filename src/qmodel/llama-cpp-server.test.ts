/**
 * The `llm:` scorer against the REAL llama-cpp-python server (`python -m llama_cpp.server`)
 * serving tiny random GGUF models, next to the in-process `gguf:` scorer on the same files.
 * Skipped, with a message, where llama-cpp-python is not installed ($STEPQ_PYTHON, else
 * /opt/stepq-venv/bin/python, else python3); `npm run test:engines` runs the full loop.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARIS_CONTEXT } from '../gguf/testing/step-context.js';
import { UserError } from '../core/errors.js';
import { writeTinyModel } from '../gguf/testing/tiny-model.js';
import { disposeGgufRuntime, nodeLlamaCppAvailable } from '../gguf/runtime.js';
import { loadGgufQModel } from '../gguf/implicit-qmodel.js';
import { loadQModel } from '../cli/specs.js';
import { sampleLlmManifest, writeLlmFolder } from '../testing/llm-folder.js';
import '../envs/index.js';

const python =
  process.env.STEPQ_PYTHON ??
  (existsSync('/opt/stepq-venv/bin/python') ? '/opt/stepq-venv/bin/python' : 'python3');
// Whether llama-cpp-python and its server extras are installed, without importing them (an
// import of llama_cpp.server.app costs about a second of CPU; the server imports it anyway).
const SERVER_MODULES = ['llama_cpp', 'fastapi', 'uvicorn', 'sse_starlette', 'starlette_context'];
const probe = spawnSync(
  python,
  [
    '-c',
    `import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ${JSON.stringify(SERVER_MODULES)}) else 1)`,
  ],
  { encoding: 'utf8' },
);
const skip =
  probe.status === 0
    ? false
    : `llama-cpp-python's server is not installed for ${python} (pip install 'llama-cpp-python[server]==0.3.36', or set STEPQ_PYTHON)`;

const context = PARIS_CONTEXT;
const candidates = [
  'Thought: the answer is France.\nAction: Finish[France]',
  'Thought: no action here',
  'Thought: search more.\nAction: Lookup[capital]',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(
  dir: string,
  name: string,
  models: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; log: () => string }> {
  const port = await freePort();
  const config = join(dir, `${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      host: '127.0.0.1',
      port,
      models: Object.entries(models).map(([alias, model]) => ({
        model,
        model_alias: alias,
        n_ctx: 1024,
        n_threads: 1,
        n_batch: 512,
        verbose: false,
      })),
    }),
  );
  let output = '';
  const child = spawn(python, ['-m', 'llama_cpp.server', '--config_file', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}/v1`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama_cpp.server exited:\n${output}`);
    try {
      if ((await fetch(`${url}/models`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`llama_cpp.server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, log: () => output };
}

describe('llm: against the real llama-cpp-python server', { skip }, () => {
  let dir = '';
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  const path = (name: string) => join(dir, name);

  before(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'stepq-llamacpp-'));
    // No SentencePiece dummy prefix: then a prompt cut to the truncation is expressible as
    // text, which llama-cpp-python needs (it takes no token ids). With the prefix (the
    // default), only cuts at a word start are; untruncated prompts work either way.
    writeTinyModel(path('policy.gguf'), { seed: 1, addSpacePrefix: false });
    writeTinyModel(path('reference.gguf'), { seed: 2, addSpacePrefix: false });
    writeTinyModel(path('sp-policy.gguf'), { seed: 5 });
    writeTinyModel(path('sp-reference.gguf'), { seed: 6 });
    writeTinyModel(path('nobos.gguf'), { seed: 3, addBos: false });
    writeTinyModel(path('nobosref.gguf'), { seed: 4, addBos: false });
    server = await startServer(dir, 'server', {
      policy: path('policy.gguf'),
      reference: path('reference.gguf'),
      alias: path('policy.gguf'),
      nobos: path('nobos.gguf'),
      nobosref: path('nobosref.gguf'),
      'sp-policy': path('sp-policy.gguf'),
      'sp-reference': path('sp-reference.gguf'),
    });
  });
  after(async () => {
    if (skip) return;
    server?.child.kill('SIGTERM');
    await disposeGgufRuntime();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a trained folder over HTTP scores as in-process gguf: on the same files (truncated prompt too); no action ranks last', async () => {
    const url = server!.url;
    const tokens = { addBos: true, bosId: 1, appendEos: false, eosId: null };
    const local = await nodeLlamaCppAvailable();
    for (const [maxLength, prefix] of [
      [1000, 'sp-'],
      [120, ''],
    ] as const) {
      // One folder per case: the in-process runtime keeps each loaded file by its path.
      const folder = path(`trained-${maxLength}`);
      mkdirSync(join(folder, 'gguf'), { recursive: true });
      copyFileSync(path(`${prefix}policy.gguf`), join(folder, 'gguf', 'policy.gguf'));
      copyFileSync(path(`${prefix}reference.gguf`), join(folder, 'gguf', 'reference.gguf'));
      writeLlmFolder(
        sampleLlmManifest({ beta: 0.5, tokens, truncation: { maxLength, side: 'left' } }),
        folder,
      );
      const http = await loadQModel(
        `llm:${folder},policy=${prefix}policy@${url},ref=${prefix}reference@${url},server=llama-cpp`,
      );
      const q = await http.score(context, candidates);
      assert.equal(q[1], -Infinity);
      assert.ok(Number.isFinite(q[0]) && Number.isFinite(q[2]) && q[0] !== q[2], String(q));
      if (!local) continue; // the in-process comparison needs node-llama-cpp
      const inProcess = await loadGgufQModel(`gguf:${folder}`);
      const want = await inProcess.score(context, candidates);
      await inProcess.dispose();
      for (const k of [0, 2])
        assert.ok(
          Math.abs((q[k] as number) - (want[k] as number)) <
            1e-3 * Math.max(1, Math.abs(want[k] as number)),
          `limit ${maxLength}, candidate ${k}: HTTP ${q[k]} vs in-process ${want[k]}`,
        );
    }
  });

  test('one file under two aliases is refused by the probe; a model without BOS is refused', async () => {
    const url = server!.url;
    await assert.rejects(
      loadQModel(`llm:policy@${url},ref=alias,server=llama-cpp,maxlen=500`),
      (e: unknown) =>
        e instanceof UserError && /identical log-probs on a probe text/.test(e.message),
    );
    await assert.rejects(
      loadQModel(`llm:nobos@${url},ref=nobosref`),
      (e: unknown) => e instanceof UserError && /adds no BOS/.test(e.message),
    );
  });
});
