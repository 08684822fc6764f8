/**
 * The client snippets of docs/proxy.md (examples/proxy/*.mjs, shown there verbatim) run against
 * a real proxy: the Vercel AI SDK and LangChain.js, installed from npm as dev dependencies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import '../envs/index.js'; // registers the built-in envs
import { createHeuristicPolicy } from '../agent/heuristic/index.js';
import { parseReply } from '../agent/parse.js';
import { startPolicyServer } from '../llm/serve-policy.js';
import { loadQModel } from '../cli/specs.js';
import { readPairsFile, saveQModel, trainQModel } from '../qmodel/index.js';
import { fixture, repoRoot } from '../testing/shared.js';
import { tmpdir } from 'node:os';
import { PROXY_DEFAULTS, startQGuidedProxy } from './server.js';

const run = promisify(execFile);
const SNIPPETS = ['examples/proxy/ai-sdk.mjs', 'examples/proxy/langchain.mjs'];

test('docs/proxy.md shows each client snippet exactly as it is tested', () => {
  const doc = readFileSync(join(repoRoot, 'docs/proxy.md'), 'utf8');
  for (const file of SNIPPETS) {
    const code = readFileSync(join(repoRoot, file), 'utf8').trim();
    assert.ok(doc.includes(code), `${file} is not in docs/proxy.md as it is`);
  }
});

test('the Vercel AI SDK and LangChain.js snippets get a Q-guided step from the proxy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-snippets-'));
  const upstream = await startPolicyServer({
    policyFor: createHeuristicPolicy,
    env: 'hotpotqa',
    port: 0,
  });
  try {
    const trained = trainQModel(readPairsFile(fixture('qmodel/pairs.jsonl')), {
      epochs: 2,
      hidden: 4,
    });
    saveQModel(join(dir, 'qmodel'), trained);
    const proxy = await startQGuidedProxy({
      ...PROXY_DEFAULTS,
      upstreamUrl: upstream.baseUrl,
      qmodel: await loadQModel(join(dir, 'qmodel')),
      env: 'hotpotqa',
      port: 0,
    });
    try {
      for (const file of SNIPPETS) {
        const { stdout } = await run(process.execPath, [file], {
          cwd: repoRoot,
          env: { ...process.env, STEPQ_PROXY_URL: proxy.baseUrl },
          timeout: 30_000,
        });
        assert.notEqual(parseReply(stdout).action, '', `${file} printed: ${stdout}`);
      }
      assert.equal(proxy.counts.decided, SNIPPETS.length);
    } finally {
      await proxy.close();
    }
  } finally {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
