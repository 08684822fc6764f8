import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAIServer, type FakeRequestBody } from '../testing/fake-openai-server.js';
import { parseLlmSpec } from './llm-spec.js';
import { chatTemplate, renderForScoring } from './chat-templates.js';
import { spanLogprob } from './token-span.js';
import { LlmImplicitQModel } from './llm-implicit.js';
import { qModelMessages } from '../agent/conversation.js';
import { UserError } from '../core/errors.js';
import { loadQModel } from './index.js';
import type { StepContext } from '../core/messages.js';

test('spec parsing: models, URLs, defaults, and clear errors', () => {
  const s = parseLlmSpec(
    'llm:qpolicy@http://127.0.0.1:8000/v1,ref=phi-1_5@http://127.0.0.1:8001/v1,beta=0.05,template=chatml',
  );
  assert.deepEqual(s.policy, { model: 'qpolicy', baseUrl: 'http://127.0.0.1:8000/v1' });
  assert.deepEqual(s.reference, { model: 'phi-1_5', baseUrl: 'http://127.0.0.1:8001/v1' });
  assert.equal(s.beta, 0.05);
  assert.equal(s.template, 'chatml');
  const d = parseLlmSpec('llm:org/model@http://h:1/v1,ref=base');
  assert.deepEqual(
    d.reference,
    { model: 'base', baseUrl: 'http://h:1/v1' },
    'the reference defaults to the policy server',
  );
  assert.equal(d.beta, 0.1);
  assert.equal(d.template, 'phi3');
  assert.equal(d.logprobs, 'echo');
  for (const [bad, msg] of [
    ['llm:m@http://h/v1', /reference model is missing/],
    ['llm:m,ref=r', /has no @<url>/],
    ['llm:m@ftp://h,ref=r', /must start with http/],
    ['llm:m@http://h/v1,ref=r,beta=-1', /beta must be/],
    ['llm:m@http://h/v1,ref=r,template=alpaca', /unknown template/],
    ['llm:m@http://h/v1,ref=r,colour=red', /unknown option "colour"/],
  ] as const) {
    assert.throws(
      () => parseLlmSpec(bad),
      (e: unknown) => e instanceof UserError && msg.test(e.message),
      bad,
    );
  }
});

test('span rule: tokens starting at/after the boundary count; a straddling token does not; BOS and generated tokens are ignored', () => {
  const text = 'ABC|DEF';
  const spanStart = 4; // "DEF"
  const t = (token: string, logprob: number | null) => ({ token, logprob });
  // Boundary inside a token: "C|D" starts at 2 and is not counted; "EF" is.
  assert.deepEqual(
    spanLogprob(text, spanStart, [t('<s>', null), t('AB', -1), t('C|D', -2), t('EF', -4)], null),
    { sum: -4, count: 1 },
  );
  // Boundary between tokens: "DE" and "F" count; a generated token after the text does not.
  assert.deepEqual(
    spanLogprob(
      text,
      spanStart,
      [t('AB', null), t('C|', -1), t('DE', -2), t('F', -4), t(' next', -8)],
      null,
    ),
    { sum: -6, count: 2 },
  );
  // Server offsets that count a BOS string (vLLM) are re-based on where the text starts.
  assert.deepEqual(
    spanLogprob(text, spanStart, [t('<s>', null), t('ABC|', -1), t('DEF', -2)], [0, 3, 7]),
    { sum: -2, count: 1 },
  );
  // Decoded tokens that do not reproduce the text, and no offsets: an error, not a guess.
  assert.throws(
    () => spanLogprob(text, spanStart, [t('XY', null), t('Z', -1)], null),
    /do not reproduce/,
  );
  assert.throws(() => spanLogprob(text, 0, [t('ABC|DEF', null)], null), /no log-probability/);
});

const context: StepContext = {
  env: 'hotpotqa',
  taskId: 't1',
  task: 'Question: Which river flows through Budapest?',
  history: [
    {
      text: 'Thought: look it up\nAction: Search[Budapest]',
      action: 'Search[Budapest]',
      observation: 'Budapest lies on the Danube.',
    },
  ],
};

/** Scripted per-token log-probs: a function of the model and of where the token starts in the text. */
function scriptedLogprob(model: string, start: number): number {
  return model === 'policy' ? -0.5 - 0.001 * start : -0.75 - 0.003 * start;
}

const CHUNK = 4;

/** A fake /v1/completions answer: BOS + 4-character tokens of each prompt + one generated token. */
function completionsReply(body: FakeRequestBody, shape: 'echo' | 'prompt') {
  const prompts = body.prompt as string[];
  const model = String(body.model);
  const choices = prompts.map((prompt, index) => {
    const tokens = ['<s>'];
    const logprobs: Array<number | null> = [null];
    for (let s = 0; s < prompt.length; s += CHUNK) {
      tokens.push(prompt.slice(s, s + CHUNK));
      logprobs.push(scriptedLogprob(model, s));
    }
    if (shape === 'prompt') {
      return {
        index,
        text: ' x',
        logprobs: null,
        prompt_token_ids: tokens.map((_, i) => 100 + i),
        prompt_logprobs: tokens.map((tok, i) =>
          i === 0
            ? null
            : { [String(100 + i)]: { logprob: logprobs[i], rank: 1, decoded_token: tok } },
        ),
      };
    }
    tokens.push(' x');
    logprobs.push(-9);
    const offsets: number[] = [];
    let acc = 0;
    for (const tok of tokens) {
      offsets.push(acc);
      acc += tok.length;
    }
    return {
      index,
      text: `${prompt} x`,
      logprobs: { tokens, token_logprobs: logprobs, text_offset: offsets, top_logprobs: null },
    };
  });
  // Answer out of order: the client must sort by index.
  return { id: 'cmpl-1', object: 'text_completion', created: 0, model, choices: choices.reverse() };
}

/** The hand computation: the reply span starts at spanStart; counted tokens start at the next multiple of 4. */
function expectedQ(candidate: string, beta: number): number {
  const { text, spanStart } = renderForScoring(
    chatTemplate('phi3'),
    qModelMessages(context),
    candidate,
  );
  let sum = 0;
  for (let s = Math.ceil(spanStart / CHUNK) * CHUNK; s < text.length; s += CHUNK)
    sum += scriptedLogprob('policy', s) - scriptedLogprob('ref', s);
  return beta * sum;
}

for (const shape of ['echo', 'prompt'] as const) {
  test(`implicit Q = beta * sum(log p - log p_ref) over the reply tokens, one batched request per model (${shape})`, async () => {
    const server = await startFakeOpenAIServer({
      handler: (req) => ({ kind: 'json', body: completionsReply(req.body ?? {}, shape) }),
    });
    try {
      const qmodel = new LlmImplicitQModel(
        parseLlmSpec(`llm:policy@${server.baseUrl},ref=ref,beta=0.5,logprobs=${shape}`),
        { maxRetries: 0 },
      );
      const candidates = [
        'Thought: The answer is in the page.\nAction: Finish[Danube]',
        'Thought: I am lost.\nAction: ',
        'Thought: Look for the river.\nAction: Lookup[river]',
      ];
      const q = await qmodel.score(context, candidates);
      assert.equal(server.requests.length, 2, 'one request for the policy, one for the reference');
      for (const req of server.requests) {
        assert.equal(req.path, '/v1/completions');
        assert.equal((req.body?.prompt as string[]).length, 2, 'the empty action is not sent');
        if (shape === 'echo') assert.equal(req.body?.echo, true);
        else assert.equal(req.body?.prompt_logprobs, 0);
      }
      assert.deepEqual(
        new Set(server.requests.map((r) => r.body?.model)),
        new Set(['policy', 'ref']),
      );
      assert.equal(q[1], 0, 'empty action: Q = 0');
      for (const k of [0, 2])
        assert.ok(
          Math.abs((q[k] as number) - expectedQ(candidates[k] as string, 0.5)) < 1e-9,
          `candidate ${k}: ${q[k]} vs ${expectedQ(candidates[k] as string, 0.5)}`,
        );
      assert.ok(q[0] !== q[2]);
      // Only empty actions: no request at all.
      assert.deepEqual(await qmodel.score(context, ['Thought: hmm', '']), [0, 0]);
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });
}

test('endpoint errors and unusable responses become one clear user-facing line', async () => {
  const server = await startFakeOpenAIServer();
  try {
    const viaSpec = await loadQModel(`llm:policy@${server.baseUrl},ref=ref`);
    assert.ok(viaSpec instanceof LlmImplicitQModel);
    assert.equal(viaSpec.name, 'llm:policy/ref=ref');
    const qmodel = new LlmImplicitQModel(parseLlmSpec(`llm:policy@${server.baseUrl},ref=ref`), {
      maxRetries: 0,
    });
    const candidates = ['Thought: a\nAction: Search[x]'];
    server.enqueue(
      { kind: 'error', status: 404, message: 'The model `policy` does not exist.' },
      { kind: 'error', status: 404, message: 'The model `ref` does not exist.' },
    );
    await assert.rejects(
      qmodel.score(context, candidates),
      (e: unknown) =>
        e instanceof UserError && /HTTP 404/.test(e.message) && /does not exist/.test(e.message),
    );
    const noLogprobs = {
      kind: 'json' as const,
      body: {
        id: 'c',
        object: 'text_completion',
        created: 0,
        model: 'm',
        choices: [{ index: 0, text: 'x', logprobs: null, finish_reason: 'length' }],
      },
    };
    server.enqueue(noLogprobs, noLogprobs);
    await assert.rejects(
      qmodel.score(context, candidates),
      (e: unknown) => e instanceof UserError && /no prompt log-probabilities/.test(e.message),
    );
  } finally {
    await server.close();
  }
});
