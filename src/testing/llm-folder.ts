/**
 * A trained LLM Q-value folder for tests: DIR/stepq-qmodel.json (docs/llm-qmodel-contract.md
 * §3) with the given fields over contract-like defaults. No model files are written.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLM_MANIFEST_FILE, type LlmManifest } from '../qmodel/llm-manifest.js';

export function sampleLlmManifest(overrides: Partial<LlmManifest> = {}): LlmManifest {
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

/** A fresh temporary folder holding the manifest; the caller removes it. */
export function writeLlmFolder(manifest: unknown, dir?: string): string {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'stepq-llm-folder-'));
  writeFileSync(join(folder, LLM_MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return folder;
}
