import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import {
  LLM_MANIFEST_FILE,
  isLlmModelDir,
  manifestGgufFiles,
  readLlmManifest,
  type LlmManifest,
} from './llm-manifest.js';

/** The manifest of docs/llm-qmodel-contract.md §3. */
function sampleManifest(overrides: Partial<LlmManifest> = {}): LlmManifest {
  return {
    format: 'stepq.llm-qmodel/1',
    env: 'hotpotqa',
    base: 'microsoft/phi-1_5',
    template: 'phi3',
    beta: 0.05,
    span: 'sum',
    truncation: { maxLength: 1024, side: 'left' },
    tokens: { addBos: false, bosId: null, appendEos: false, eosId: 50256 },
    policy: { hf: 'policy', gguf: 'gguf/policy.gguf' },
    reference: { hf: 'reference', gguf: 'gguf/reference.gguf' },
    lora: null,
    training: { epochs: 1, learningRate: 1e-6, pairs: 12 },
    versions: { stepq: '0.1.0', trl: '1.16.0', peft: null },
    ...overrides,
  };
}

function folderWith(manifest: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-manifest-'));
  writeFileSync(join(dir, LLM_MANIFEST_FILE), JSON.stringify(manifest));
  return dir;
}

test('manifest: a valid one reads back; GGUF paths resolve against the folder', (t) => {
  const dir = folderWith({ ...sampleManifest(), extra: 'kept' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.ok(isLlmModelDir(dir));
  const m = readLlmManifest(dir);
  assert.equal(m.beta, 0.05);
  assert.equal((m as Record<string, unknown>).extra, 'kept');
  assert.deepEqual(manifestGgufFiles(dir, m), {
    policy: join(dir, 'gguf/policy.gguf'),
    reference: join(dir, 'gguf/reference.gguf'),
  });
  const lora = sampleManifest({
    policy: { hf: null, gguf: null },
    lora: { hf: 'adapter', gguf: '/abs/adapter.gguf', r: 16, alpha: 32 },
  });
  assert.deepEqual(manifestGgufFiles(dir, lora), {
    policy: join(dir, 'gguf/reference.gguf'),
    reference: join(dir, 'gguf/reference.gguf'),
    lora: '/abs/adapter.gguf',
  });
});

test('manifest: mistakes name the file and the field', (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [{ ...sampleManifest(), format: 'stepq.llm-qmodel/9' }, /field format/],
    [
      { ...sampleManifest(), tokens: { addBos: true, bosId: null, appendEos: false, eosId: 2 } },
      /field tokens\.bosId: addBos is true but bosId is null/,
    ],
    [{ ...sampleManifest(), template: 'alpaca' }, /field template/],
    [{ ...sampleManifest(), span: 'max' }, /field span/],
    [{ ...sampleManifest(), truncation: { maxLength: 1024, side: 'right' } }, /truncation\.side/],
  ];
  for (const [manifest, message] of bad) {
    const dir = folderWith(manifest);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    assert.throws(
      () => readLlmManifest(dir),
      (e: unknown) =>
        e instanceof UserError && e.message.includes(LLM_MANIFEST_FILE) && message.test(e.message),
      String(message),
    );
  }
  const empty = mkdtempSync(join(tmpdir(), 'stepq-manifest-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  assert.equal(isLlmModelDir(empty), false);
  assert.throws(() => readLlmManifest(empty), /no stepq-qmodel\.json/);
  const dir = folderWith(sampleManifest({ policy: { hf: 'policy', gguf: null } }));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => manifestGgufFiles(dir, readLlmManifest(dir)), /policy\.gguf is null/);
});
