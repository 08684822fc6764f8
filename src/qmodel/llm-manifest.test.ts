import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { sampleLlmManifest } from '../testing/llm-folder.js';
import {
  LLM_MANIFEST_FILE,
  isLlmModelDir,
  manifestGgufFiles,
  readLlmManifest,
} from './llm-manifest.js';

const sampleManifest = sampleLlmManifest;

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
