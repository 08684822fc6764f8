import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startFakeOpenAIServer, type FakeLmOptions } from '../testing/fake-openai-server.js';
import { FakeTokenizer, fakeSpanLogprob } from '../testing/fake-lm.js';
import { sampleLlmManifest, writeLlmFolder } from '../testing/llm-folder.js';
import { parseLlmSpec } from './llm-spec.js';
import { chatTemplate, scoringTexts } from './chat-templates.js';
import { createLlmQModel, createLlmQModelFromFolder, LlmImplicitQModel } from './llm-implicit.js';
import { UserError } from '../core/errors.js';
import { loadQModel } from '../cli/specs.js';
import type { StepContext } from '../core/messages.js';
// The built-in envs (their prompts and heuristics) are looked up by name in the registry.
import '../envs/index.js';
import type { TokenRule } from './llm-manifest.js';

test('spec parsing: both forms, defaults, and clear errors', () => {
  const s = parseLlmSpec(
    'llm:qpolicy@http://127.0.0.1:8000/v1,ref=phi-1_5@http://127.0.0.1:8001/v1,beta=0.05,template=chatml,span=mean,maxlen=900',
  );
  assert.deepEqual(s.policy, { model: 'qpolicy', baseUrl: 'http://127.0.0.1:8000/v1' });
  assert.deepEqual(s.reference, { model: 'phi-1_5', baseUrl: 'http://127.0.0.1:8001/v1' });
  assert.deepEqual([s.beta, s.template, s.span, s.maxLength], [0.05, 'chatml', 'mean', 900]);
  const d = parseLlmSpec('llm:org/model@http://h:1/v1,ref=base');
  assert.deepEqual(d.reference, { model: 'base', baseUrl: 'http://h:1/v1' });
  assert.deepEqual(
    [d.beta, d.template, d.span, d.logprobs, d.server],
    [0.1, 'phi3', 'sum', 'echo', 'auto'],
  );
  const f = parseLlmSpec('llm:runs/q,policy=policy@http://h:1/v1,ref=reference@http://h:2/v1');
  assert.equal(f.folder, 'runs/q');
  assert.deepEqual(f.reference, { model: 'reference', baseUrl: 'http://h:2/v1' });
  for (const [bad, msg] of [
    ['llm:m@http://h/v1', /reference model is missing/],
    ['llm:m,ref=r', /needs both servers/],
    ['llm:m@ftp://h,ref=r', /must start with http/],
    ['llm:m@http://h/v1,ref=r,beta=-1', /beta must be/],
    ['llm:m@http://h/v1,ref=r,template=alpaca', /unknown template/],
    ['llm:m@http://h/v1,ref=r,span=max', /span must be sum or mean/],
    ['llm:m@http://h/v1,ref=r,colour=red', /unknown option "colour"/],
    ['llm:dir,policy=p@http://h/v1,ref=r@http://h/v1,beta=0.1', /beta comes from the folder/],
    // One model under two names at one URL is refused before anything is sent.
    ['llm:m@http://h/v1,ref=m', /same model/],
    ['llm:dir,policy=m@http://h/v1/,ref=m@http://h/v1', /same model/],
  ] as const) {
    assert.throws(
      () => parseLlmSpec(bad),
      (e: unknown) => e instanceof UserError && msg.test(e.message),
      bad,
    );
  }
});

const context: StepContext = {
  env: 'hotpotqa',
  taskId: 't1',
  task: 'Question: Which river flows through Budapest, the “Pearl of the Danube”?',
  history: [
    {
      text: 'Thought: look it up\nAction: Search[Budapest]',
      action: 'Search[Budapest]',
      observation: 'Budapest (Hungarian: [ˈbudɒpɛʃt]) lies on the Danube — naïve café 東京.',
    },
  ],
};

const CANDIDATES = [
  'Thought: The answer is in the page: “Danube”.\nAction: Finish[Danube]',
  'Thought: I am lost.\nAction: ',
  'Thought: Look for the river — naïve.\nAction: Lookup[river]',
  'Thought: no action line at all',
];
const SALTS = { policy: 11, reference: 23 };

/**
 * The hand computation of docs/llm-qmodel-contract.md §2 with the fake tokenizer: ids of the
 * prompt and of prompt + completion, BOS, left truncation, summed fake log-probs.
 */
function expectedQ(
  tok: FakeTokenizer,
  rule: { addBos: boolean; bosId: number | null },
  candidate: string,
  options: { beta: number; maxLength?: number; span?: 'sum' | 'mean'; template?: string },
): number {
  const [item] = scoringTexts(chatTemplate(options.template ?? 'phi3'), context, [candidate]);
  const { prompt, completion } = item!.scoring;
  const p = tok.encode(prompt);
  const c = tok.encode(prompt + completion).slice(p.length);
  const bos = rule.addBos ? [rule.bosId as number] : [];
  const keep = Math.min(p.length, (options.maxLength ?? Infinity) - bos.length - c.length);
  const ids = [...bos, ...p.slice(p.length - keep), ...c];
  const from = ids.length - c.length;
  const diff =
    fakeSpanLogprob(SALTS.policy, ids, from) - fakeSpanLogprob(SALTS.reference, ids, from);
  return options.beta * (options.span === 'mean' ? diff / c.length : diff);
}

async function lmServer(lm: Partial<FakeLmOptions> & Pick<FakeLmOptions, 'flavour' | 'tokenizer'>) {
  return startFakeOpenAIServer({ lm: { models: SALTS, maxModelLen: 4096, ...lm } });
}

function assertClose(actual: number | undefined, expected: number, what: string): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-9,
    `${what}: ${actual} vs ${expected}`,
  );
}

// Problem 3 of issue #10: a tokenizer without BOS (Phi-1.5) and multi-byte characters split
// across tokens that the server decodes one at a time. The span is found by token ids.
for (const bos of [null, '<s>'] as const)
  for (const logprobs of ['echo', 'prompt'] as const) {
    test(`vLLM, ${bos ? 'with' : 'no'} BOS, ${logprobs}: Q = beta * sum(log p - log p_ref) over the completion's tokens`, async () => {
      const server = await lmServer({ flavour: 'vllm', tokenizer: { bos } });
      try {
        const qmodel = new LlmImplicitQModel(
          parseLlmSpec(`llm:policy@${server.baseUrl},ref=reference,beta=0.5,logprobs=${logprobs}`),
          { maxRetries: 0 },
        );
        const q = await qmodel.score(context, CANDIDATES);
        const tok = new FakeTokenizer({ bos });
        const rule = { addBos: bos !== null, bosId: tok.bosId };
        for (const k of [0, 2])
          assertClose(
            q[k],
            expectedQ(tok, rule, CANDIDATES[k] as string, { beta: 0.5 }),
            `candidate ${k}`,
          );
        assert.notEqual(q[0], q[2]);
        const completions = server.requests.filter((r) => r.path === '/v1/completions');
        // One batched scoring request per model (after one probe each), the two valid candidates as token ids.
        const scoring = completions.slice(-2);
        for (const req of scoring) {
          assert.equal(
            (req.body?.prompt as number[][]).length,
            2,
            'candidates without an action are not sent',
          );
          assert.ok((req.body?.prompt as unknown[]).every((p) => Array.isArray(p)));
        }
        assert.deepEqual(
          new Set(scoring.map((r) => r.body?.model)),
          new Set(['policy', 'reference']),
        );
      } finally {
        await server.close();
      }
    });
  }

// Problem 4: after DPO the valid candidates' implicit rewards are often all negative; a
// candidate without an action must still rank below them (it used to get Q = 0 and win).
test('a candidate without an action ranks below every valid one, whatever their sign', async () => {
  const server = await lmServer({ flavour: 'vllm', tokenizer: { bos: null } });
  try {
    const qmodel = new LlmImplicitQModel(
      parseLlmSpec(`llm:policy@${server.baseUrl},ref=reference`),
      { maxRetries: 0 },
    );
    const q = await qmodel.score(context, CANDIDATES);
    const valid = [q[0], q[2]] as number[];
    for (const bad of [q[1], q[3]] as number[])
      for (const v of valid) assert.ok(bad < v, `${bad} < ${v}`);
    assert.deepEqual([q[1], q[3]], [-Infinity, -Infinity]);
    const before = server.requests.length;
    assert.deepEqual(await qmodel.score(context, ['Thought: hmm', '']), [-Infinity, -Infinity]);
    assert.equal(server.requests.length, before, 'no request when nothing has an action');
  } finally {
    await server.close();
  }
});

// Problem 2: the training truncation is applied (prompt cut from the left, BOS kept), so a
// prompt longer than the model's context is scored as it was trained, never an HTTP 400.
test('a trained folder: truncation from the manifest, BOS kept, span=mean; no HTTP 400 for a long prompt', async (t) => {
  const server = await lmServer({ flavour: 'vllm', tokenizer: { bos: '<s>' }, maxModelLen: 160 });
  const tok = new FakeTokenizer({ bos: '<s>' });
  const tokens: TokenRule = { addBos: true, bosId: tok.bosId, appendEos: false, eosId: null };
  const dir = writeLlmFolder(
    sampleLlmManifest({
      beta: 0.2,
      span: 'mean',
      tokens,
      truncation: { maxLength: 120, side: 'left' },
    }),
  );
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const [item] = scoringTexts(chatTemplate('phi3'), context, [CANDIDATES[0] as string]);
    assert.ok(
      tok.encode(item!.scoring.prompt + item!.scoring.completion).length > 160,
      'the prompt is long',
    );
    const qmodel = await createLlmQModelFromFolder(
      dir,
      {
        policy: { model: 'policy', baseUrl: server.baseUrl },
        reference: { model: 'reference', baseUrl: server.baseUrl },
      },
      { maxRetries: 0 },
    );
    const q = await qmodel.score(context, CANDIDATES);
    for (const k of [0, 2])
      assertClose(
        q[k],
        expectedQ(tok, tokens, CANDIDATES[k] as string, {
          beta: 0.2,
          maxLength: 120,
          span: 'mean',
        }),
        `candidate ${k}`,
      );
    const sent = server.requests.filter((r) => r.path === '/v1/completions').at(-1)?.body
      ?.prompt as number[][];
    for (const ids of sent) {
      assert.equal(ids.length, 120);
      assert.equal(ids[0], tok.bosId, 'the BOS is kept');
    }
    // A completion that cannot fit with one prompt token ranks last, and says so.
    const messages: string[] = [];
    const small = writeLlmFolder(
      sampleLlmManifest({ tokens, truncation: { maxLength: 30, side: 'left' } }),
    );
    t.after(() => rmSync(small, { recursive: true, force: true }));
    const tight = await createLlmQModel(
      `llm:${small},policy=policy@${server.baseUrl},ref=reference@${server.baseUrl}`,
      { maxRetries: 0, onUnscored: (m) => messages.push(m) },
    );
    const long = `Thought: ${'very '.repeat(30)}long.\nAction: Finish[x]`;
    const q2 = await tight.score(context, [long, 'Thought: t\nAction: Finish[x]']);
    assert.equal(q2[0], -Infinity);
    assert.ok(Number.isFinite(q2[1]));
    assert.match(messages[0] ?? '', /candidate 0 ranked last: .*do not fit the limit of 30 tokens/);
    // A limit beyond the server's context is refused up front.
    const wide = writeLlmFolder(
      sampleLlmManifest({ tokens, truncation: { maxLength: 500, side: 'left' } }),
    );
    t.after(() => rmSync(wide, { recursive: true, force: true }));
    await assert.rejects(
      loadQModel(`llm:${wide},policy=policy@${server.baseUrl},ref=reference@${server.baseUrl}`),
      (e: unknown) =>
        e instanceof UserError && /limit is 500 tokens .* context of 160/.test(e.message),
    );
  } finally {
    await server.close();
  }
});

// Problem 5: two names of one model (or one model twice) make every Q exactly 0.
test('two names that reach one model are refused by the probe, not scored as Q = 0', async () => {
  const server = await startFakeOpenAIServer({
    lm: {
      flavour: 'vllm',
      tokenizer: { bos: null },
      models: { policy: 5, alias: 5, other: 6 },
      maxModelLen: 4096,
    },
  });
  try {
    await assert.rejects(
      loadQModel(`llm:policy@${server.baseUrl},ref=alias`),
      (e: unknown) =>
        e instanceof UserError && /identical log-probs on a probe text/.test(e.message),
    );
    const ok = await loadQModel(`llm:policy@${server.baseUrl},ref=other`);
    assert.ok(ok instanceof LlmImplicitQModel);
    assert.equal(ok.name, 'llm:policy/ref=other');
  } finally {
    await server.close();
  }
});

test('tokens that merge across the prompt/completion boundary fail loudly, naming the candidate', async () => {
  const server = await lmServer({
    flavour: 'vllm',
    tokenizer: { bos: null, pretokenizer: 'attach-space' },
  });
  try {
    const qmodel = new LlmImplicitQModel(
      parseLlmSpec(`llm:policy@${server.baseUrl},ref=reference`),
      {
        maxRetries: 0,
      },
    );
    await assert.rejects(
      qmodel.score(context, CANDIDATES),
      (e: unknown) =>
        e instanceof UserError &&
        /candidate 0 .*do not start with the prompt's tokens/.test(e.message),
    );
  } finally {
    await server.close();
  }
});

test("llama-cpp-python's wire format: text prompts, BOS-led echo; a model without BOS is refused", async () => {
  const server = await lmServer({ flavour: 'llama-cpp', tokenizer: { bos: '<s>' } });
  try {
    await assert.rejects(
      loadQModel(`llm:policy@${server.baseUrl},ref=reference`),
      (e: unknown) => e instanceof UserError && /add maxlen=N/.test(e.message),
    );
    const qmodel = (await loadQModel(
      `llm:policy@${server.baseUrl},ref=reference,beta=0.3,maxlen=4000`,
    )) as LlmImplicitQModel;
    const q = await qmodel.score(context, CANDIDATES);
    const tok = new FakeTokenizer({ bos: '<s>' });
    for (const k of [0, 2])
      assertClose(
        q[k],
        expectedQ(tok, { addBos: true, bosId: tok.bosId }, CANDIDATES[k] as string, { beta: 0.3 }),
        `candidate ${k}`,
      );
    const sent = server.requests
      .filter((r) => r.path === '/v1/completions')
      .map((r) => r.body?.prompt);
    assert.ok(
      sent.every((p) => typeof p === 'string'),
      'llama-cpp-python takes text prompts',
    );
    // Truncated: the cut prompt is sent as the text that tokenises to exactly its tokens.
    const cut = (await loadQModel(
      `llm:policy@${server.baseUrl},ref=reference,beta=0.3,maxlen=90`,
    )) as LlmImplicitQModel;
    const qc = await cut.score(context, CANDIDATES);
    for (const k of [0, 2])
      assertClose(
        qc[k],
        expectedQ(tok, { addBos: true, bosId: tok.bosId }, CANDIDATES[k] as string, {
          beta: 0.3,
          maxLength: 90,
        }),
        `truncated candidate ${k}`,
      );
  } finally {
    await server.close();
  }
  const noBos = await lmServer({ flavour: 'llama-cpp', tokenizer: { bos: null } });
  try {
    await assert.rejects(
      loadQModel(`llm:policy@${noBos.baseUrl},ref=reference`),
      (e: unknown) =>
        e instanceof UserError &&
        /shifted by one token for a model that adds no BOS/.test(e.message),
    );
  } finally {
    await noBos.close();
  }
});

test('endpoint errors and unusable servers become one clear user-facing line', async () => {
  const server = await lmServer({ flavour: 'vllm', tokenizer: { bos: null } });
  try {
    await assert.rejects(
      loadQModel(`llm:nosuch@${server.baseUrl},ref=reference`),
      (e: unknown) =>
        e instanceof UserError && /HTTP 404/.test(e.message) && /does not exist/.test(e.message),
    );
  } finally {
    await server.close();
  }
  const plain = await startFakeOpenAIServer();
  try {
    await assert.rejects(
      loadQModel(`llm:policy@${plain.baseUrl},ref=reference`),
      (e: unknown) => e instanceof UserError && /no tokenize endpoint/.test(e.message),
    );
  } finally {
    await plain.close();
  }
});
