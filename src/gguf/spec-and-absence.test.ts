/**
 * gguf: specs, and the error when node-llama-cpp is not installed (simulated by injecting a
 * failing module loader, so this runs whether or not the package is present).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { PolicyOptions } from '../agent/policy-factory.js';
import { createPolicy, loadQModel } from '../cli/specs.js';
import { NODE_LLAMA_CPP_INSTALL, setModuleImporter } from './runtime.js';
import { parseGgufPolicySpec, parseGgufQModelSpec } from './spec.js';
import { writeTinyModel } from './testing/tiny-model.js';

const policyOptions: PolicyOptions = {
  env: 'hotpotqa',
  temperature: 1,
  topP: 0.9,
  maxTokens: 64,
  concurrency: 1,
  timeoutMs: 1000,
  maxRetries: 0,
};

describe('gguf: specs', () => {
  test('policy spec', () => {
    assert.deepEqual(parseGgufPolicySpec('gguf:/m/a.gguf'), {
      path: '/m/a.gguf',
      contextSize: undefined,
    });
    assert.deepEqual(parseGgufPolicySpec('gguf:a.gguf,ctx=2048'), {
      path: 'a.gguf',
      contextSize: 2048,
    });
    assert.throws(() => parseGgufPolicySpec('gguf:'), UserError);
    assert.throws(() => parseGgufPolicySpec('gguf:a.gguf,temp=1'), /unknown option "temp"/);
    assert.throws(() => parseGgufPolicySpec('gguf:a.gguf,ctx=abc'), /ctx must be an integer/);
  });

  test('Q-value model spec: two models, or a LoRA adapter over one base', () => {
    assert.deepEqual(parseGgufQModelSpec('gguf:p.gguf,ref=r.gguf,beta=0.05,template=chatml'), {
      policy: 'p.gguf',
      reference: 'r.gguf',
      lora: undefined,
      beta: 0.05,
      template: 'chatml',
      span: 'sum',
      contextSize: undefined,
    });
    assert.equal(parseGgufQModelSpec('gguf:p.gguf,ref=r.gguf,span=mean').span, 'mean');
    assert.throws(() => parseGgufQModelSpec('gguf:p.gguf,ref=p.gguf'), /same file/);
    assert.throws(() => parseGgufQModelSpec('gguf:p.gguf,ref=r.gguf,span=max'), /span must be/);
    const lora = parseGgufQModelSpec('gguf:base.gguf,lora=dpo.gguf');
    assert.equal(lora.reference, 'base.gguf');
    assert.equal(lora.lora, 'dpo.gguf');
    assert.equal(lora.beta, 0.1);
    assert.equal(lora.template, 'phi3');
    assert.throws(() => parseGgufQModelSpec('gguf:p.gguf'), /reference model is missing/);
    assert.throws(
      () => parseGgufQModelSpec('gguf:p.gguf,ref=r.gguf,beta=0'),
      /beta must be a number > 0/,
    );
    assert.throws(
      () => parseGgufQModelSpec('gguf:p.gguf,ref=r.gguf,template=zephyr'),
      /unknown template/,
    );
    assert.throws(() => parseGgufQModelSpec('gguf:p.gguf,ref=r.gguf,ref=s.gguf'), /given twice/);
  });
});

describe('gguf: without node-llama-cpp', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stepq-gguf-absent-'));
    writeTinyModel(join(dir, 'm.gguf'), { seed: 1 });
    writeTinyModel(join(dir, 'r.gguf'), { seed: 2 });
    setModuleImporter(() =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'node-llama-cpp'"), {
          code: 'ERR_MODULE_NOT_FOUND',
        }),
      ),
    );
  });
  after(() => {
    setModuleImporter(undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const namesInstall = (err: unknown): boolean =>
    err instanceof UserError &&
    err.message.includes(NODE_LLAMA_CPP_INSTALL) &&
    err.message.includes('node-llama-cpp@3.22.1');

  test('--policy gguf: fails with a UserError naming the install command', async () => {
    await assert.rejects(createPolicy(`gguf:${join(dir, 'm.gguf')}`, policyOptions), namesInstall);
  });

  test('--qmodel gguf: fails with a UserError naming the install command', async () => {
    const m = join(dir, 'm.gguf');
    await assert.rejects(loadQModel(`gguf:${m},ref=${join(dir, 'r.gguf')}`), namesInstall);
    await assert.rejects(loadQModel(`gguf:${m},lora=${m}`), namesInstall);
  });

  test('a missing model file is reported before the package is needed', async () => {
    await assert.rejects(
      createPolicy(`gguf:${join(dir, 'nope.gguf')}`, policyOptions),
      (err: unknown) => err instanceof UserError && /no such file/.test(err.message),
    );
    await assert.rejects(
      loadQModel(`gguf:${join(dir, 'nope.gguf')},ref=${join(dir, 'm.gguf')}`),
      (err: unknown) => err instanceof UserError && /no such file .*nope\.gguf/.test(err.message),
    );
  });
});
