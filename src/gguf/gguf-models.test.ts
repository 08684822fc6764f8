/**
 * GGUF policy and implicit Q-value model on generated random-weight models (needs the
 * optional node-llama-cpp; skipped with a message without it).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepContext } from '../core/messages.js';
import { PARIS_CONTEXT } from './testing/step-context.js';
import { qModelMessages, policyMessages } from '../agent/conversation.js';
import { chatTemplate, renderForScoring } from '../qmodel/chat-templates.js';
import { loadGgufQModel, type GgufImplicitQModel } from './implicit-qmodel.js';
import { loadGgufPolicy } from './policy.js';
import {
  configureGgufRuntime,
  disposeGgufRuntime,
  loadGgufModel,
  nodeLlamaCppAvailable,
} from './runtime.js';
import {
  writeMergedModel,
  writeTinyLora,
  writeTinyModel,
  type LoraOptions,
  type TinyModelOptions,
} from './testing/tiny-model.js';
import type { Token } from './llama-api.js';
import { UserError } from '../core/errors.js';
import { sampleLlmManifest, writeLlmFolder } from '../testing/llm-folder.js';
// The built-in envs (their prompts) are looked up by name in the registry.
import '../envs/index.js';

// One llama.cpp thread: test files run two at a time on two cores, and spinning threads that
// outnumber the cores slow every decode call down by orders of magnitude.
configureGgufRuntime({ threads: 1 });
const skip = (await nodeLlamaCppAvailable())
  ? false
  : 'node-llama-cpp is not installed (npm install --no-save node-llama-cpp@3.22.1)';

const BASE: TinyModelOptions = { seed: 1 };
const REF: TinyModelOptions = { seed: 2 };
const LORA: LoraOptions = { seed: 3, rank: 4, alpha: 8 };

const context = PARIS_CONTEXT;
const candidates = [
  'Thought: the answer is France.\nAction: Finish[France]',
  'Thought: search more.\nAction: Lookup[capital]',
  'Thought: no action here',
];

/**
 * Independent reference: ids by the token rule written out (BOS if the model adds one, the
 * prompt's ids, then the rest of the joint tokenisation), full logits at every position,
 * log-softmax in float64.
 */
async function fullVocabSpanLogprob(
  path: string,
  prompt: string,
  completion: string,
  keepPromptTokens = Infinity,
): Promise<number> {
  const model = await loadGgufModel(path, 'test');
  const p = model.tokenize(prompt, true);
  const f = model.tokenize(prompt + completion, true);
  assert.deepEqual(f.slice(0, p.length), p, 'no token merges across the boundary here');
  const bos = model.tokens.shouldPrependBosToken ? [model.tokens.bos as Token] : [];
  const all = [...bos, ...p.slice(Math.max(0, p.length - keepPromptTokens)), ...f.slice(p.length)];
  const from = all.length - (f.length - p.length);
  const ctx = await model.createContext({ contextSize: 1024, threads: 1 });
  try {
    const seq = ctx.getSequence();
    const out = await seq.controlledEvaluate(
      all.map((t, i) =>
        i >= from - 1 && i < all.length - 1 ? [t, { generateNext: { logits: true } }] : t,
      ),
    );
    let sum = 0;
    for (let i = from - 1; i < all.length - 1; i++) {
      const logits = out[i]?.next.logits as Map<Token, number>;
      let max = -Infinity;
      for (const v of logits.values()) max = Math.max(max, v);
      let z = 0;
      for (const v of logits.values()) z += Math.exp(v - max);
      sum += (logits.get(all[i + 1] as Token) as number) - max - Math.log(z);
    }
    return sum;
  } finally {
    await ctx.dispose();
  }
}

describe('GGUF models in-process', { skip }, () => {
  let dir = '';
  const path = (name: string) => join(dir, name);

  before(() => {
    if (skip) return; // node:test runs a skipped suite's before hook but not its after hook
    dir = mkdtempSync(join(tmpdir(), 'stepq-gguf-'));
    writeTinyModel(path('base.gguf'), BASE);
    writeTinyModel(path('ref.gguf'), REF);
    writeTinyLora(path('adapter.gguf'), BASE, LORA);
    writeMergedModel(path('merged.gguf'), BASE, LORA);
    writeTinyModel(path('nobos-base.gguf'), { ...BASE, addBos: false });
    writeTinyModel(path('nobos-ref.gguf'), { ...REF, addBos: false });
  });
  after(async () => {
    if (skip) return;
    // Bounded: node-llama-cpp's disposal can wait on a native callback that never comes when
    // another test file loads models at the same time, and the process exits anyway. The
    // timer is unref'd: a pending one kept the test process alive 5 s after a quick disposal.
    await Promise.race([disposeGgufRuntime(), new Promise((r) => setTimeout(r, 5000).unref())]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the generated model is small', () => {
    assert.ok(statSync(path('base.gguf')).size < 1_000_000);
  });

  for (const bos of [true, false])
    test(`Q = beta * (log pi - log pi_ref) over the completion's tokens, matching a full-vocabulary log-softmax (${bos ? 'with' : 'no'} BOS)`, async () => {
      const [pol, ref] = bos ? ['base.gguf', 'ref.gguf'] : ['nobos-base.gguf', 'nobos-ref.gguf'];
      const q = await loadGgufQModel(`gguf:${path(pol)},ref=${path(ref)},beta=0.5`);
      const scores = await q.score(context, candidates);
      await q.dispose();
      assert.equal(scores[2], -Infinity, 'a reply without an action ranks last');
      const template = chatTemplate('phi3');
      for (const k of [0, 1]) {
        const s = renderForScoring(template, qModelMessages(context), candidates[k] as string);
        const lpPolicy = await fullVocabSpanLogprob(path(pol), s.prompt, s.completion);
        const lpRef = await fullVocabSpanLogprob(path(ref), s.prompt, s.completion);
        assert.ok(Math.abs(lpPolicy) > 1, 'the span has a real log-prob');
        const expected = 0.5 * (lpPolicy - lpRef);
        assert.ok(
          Math.abs((scores[k] as number) - expected) < 1e-3 * Math.max(1, Math.abs(expected)),
          `candidate ${k}: ${scores[k]} vs ${expected}`,
        );
      }
    });

  test('gguf:DIR reads the manifest: truncation from the left, span=mean; one model twice is refused', async () => {
    const folder = join(dir, 'trained');
    mkdirSync(join(folder, 'gguf'), { recursive: true });
    copyFileSync(path('base.gguf'), join(folder, 'gguf', 'policy.gguf'));
    copyFileSync(path('ref.gguf'), join(folder, 'gguf', 'reference.gguf'));
    const model = await loadGgufModel(path('base.gguf'), 'test');
    const tokens = {
      addBos: true,
      bosId: model.tokens.bos as number,
      appendEos: false,
      eosId: null,
    };
    writeLlmFolder(
      sampleLlmManifest({
        beta: 0.25,
        span: 'mean',
        tokens,
        truncation: { maxLength: 64, side: 'left' },
      }),
      folder,
    );
    const q = await loadGgufQModel(`gguf:${folder}`);
    const scores = await q.score(context, candidates);
    const s = renderForScoring(
      chatTemplate('phi3'),
      qModelMessages(context),
      candidates[0] as string,
    );
    const c =
      model.tokenize(s.prompt + s.completion, true).length - model.tokenize(s.prompt, true).length;
    const keep = 64 - 1 - c;
    assert.ok(keep < model.tokenize(s.prompt, true).length, 'the prompt is really cut');
    const expected =
      (0.25 *
        ((await fullVocabSpanLogprob(path('base.gguf'), s.prompt, s.completion, keep)) -
          (await fullVocabSpanLogprob(path('ref.gguf'), s.prompt, s.completion, keep)))) /
      c;
    assert.ok(
      Math.abs((scores[0] as number) - expected) < 1e-3 * Math.max(1, Math.abs(expected)),
      `${scores[0]} vs ${expected}`,
    );
    await (q as GgufImplicitQModel).dispose();
    // A copy of the policy as the reference: identical log-probs on the probe.
    copyFileSync(path('base.gguf'), join(folder, 'gguf', 'reference.gguf'));
    await assert.rejects(
      loadGgufQModel(`gguf:${folder}`),
      (e: unknown) =>
        e instanceof UserError && /identical log-probs on a probe text/.test(e.message),
    );
  });

  test('reusing the prompt KV cache gives the same scores as scoring from scratch', async () => {
    const spec = `gguf:${path('base.gguf')},ref=${path('ref.gguf')}`;
    const reuse = await loadGgufQModel(spec);
    const fresh = await loadGgufQModel(spec, { reusePrefix: false });
    const later: StepContext = {
      ...context,
      history: [
        ...context.history,
        {
          text: candidates[1] as string,
          action: 'Lookup[capital]',
          observation: 'No more results.',
        },
      ],
    };
    // Not bit for bit: llama.cpp multiplies batches of other sizes with other kernels (different
    // float32 summation order), so sums of ~-200 nats differ by up to ~5e-3 here. A wrong position
    // or a missing token would be off by whole nats.
    const close = (x: number, y: number) => Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y));
    for (const ctx of [context, later, context]) {
      const a = await reuse.spanLogprobs(ctx, candidates);
      const b = await fresh.spanLogprobs(ctx, candidates);
      assert.equal(a.length, 2);
      a.forEach((x, i) => {
        const y = b[i] as (typeof b)[number];
        assert.ok(
          close(x.policy, y.policy) && close(x.reference, y.reference),
          `context ${ctx.history.length} candidate ${i}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`,
        );
      });
    }
    // The cache was really used: fewer tokens evaluated than from scratch.
    assert.ok((await reuse.evaluatedTokens()) < (await fresh.evaluatedTokens()) / 2);
  });

  test('LoRA over one base (reference = the base) scores like the merged model against the base', async () => {
    const lora = await loadGgufQModel(`gguf:${path('base.gguf')},lora=${path('adapter.gguf')}`);
    const merged = await loadGgufQModel(`gguf:${path('merged.gguf')},ref=${path('base.gguf')}`);
    const a = await lora.score(context, candidates);
    const b = await merged.score(context, candidates);
    assert.notEqual(a[0], 0, 'the adapter changes the log-probs');
    a.forEach((x, i) =>
      assert.ok(
        x === b[i] || Math.abs(x - (b[i] as number)) < 1e-3 * Math.max(1, Math.abs(x)),
        `candidate ${i}: ${x} vs ${b[i]}`,
      ),
    );
  });

  test('the policy samples n candidates reproducibly from a seed, with and without the cache', async () => {
    const sampling = { temperature: 1, topP: 0.9, maxTokens: 16 };
    const policy = await loadGgufPolicy(`gguf:${path('base.gguf')}`, sampling);
    const messages = policyMessages(context);
    const first = await policy.propose(messages, 3, { seed: 7 });
    assert.equal(first.candidates.length, 3);
    assert.equal(new Set(first.candidates).size, 3, 'candidates use different seeds');
    assert.ok(
      first.usage.promptTokens > 100 &&
        first.usage.completionTokens > 0 &&
        first.usage.completionTokens <= 3 * 16,
    );
    const other = await policy.propose(messages, 2, { seed: 100 });
    assert.notDeepEqual(other.candidates, first.candidates.slice(0, 2));
    const again = await policy.propose(messages, 3, { seed: 7 });
    assert.deepEqual(again.candidates, first.candidates);
    const uncached = await loadGgufPolicy(`gguf:${path('base.gguf')}`, sampling, {
      reusePrefix: false,
    });
    assert.deepEqual(
      (await uncached.propose(messages, 3, { seed: 7 })).candidates,
      first.candidates,
    );
  });

  test('the policy renders the chat with the template from the GGUF metadata and cuts at stop strings', async () => {
    const policy = await loadGgufPolicy(
      `gguf:${path('base.gguf')}`,
      { temperature: 0, topP: 1, maxTokens: 8 },
      { stop: ['e'] },
    );
    const model = await loadGgufModel(path('base.gguf'), 'test');
    const tokens = await policy.promptTokens([{ role: 'user', content: 'Hi' }]);
    assert.equal(
      model.detokenize(tokens, true).replace(/ \n/g, '\n'),
      '<s><|user|>\nHi<|end|>\n<|assistant|>\n',
    );
    const reply = await policy.propose([{ role: 'user', content: 'Hi' }], 2, { seed: 1 });
    assert.equal(reply.candidates[0], reply.candidates[1], 'temperature 0 is greedy');
    for (const c of reply.candidates) assert.ok(!c.includes('e'));
  });
});
