/**
 * The Q-guided proxy end to end, over real loopback HTTP: an agent that speaks only the official
 * `openai` SDK gets the same decisions through the proxy as `stepq eval --algorithm qguided`;
 * pass-through, streaming, upstream failures, Host and key checks, bounded concurrency, and
 * memory that stays flat over many requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import OpenAI from 'openai';
import { createHeuristicPolicy } from '../agent/heuristic/index.js';
import { policyMessages } from '../agent/conversation.js';
import { createPolicy } from '../cli/specs.js';
import { cliEntryArgs } from '../cli/testing/cli.js';
import { parseReply } from '../agent/parse.js';
import type { HistoryStep, StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import { seedFrom } from '../core/rng.js';
import { createEnvBundle } from '../envs/index.js';
import { runEval } from '../eval/run.js';
import { startPolicyServer, type PolicyServer } from '../llm/serve-policy.js';
import { loadQModel } from '../cli/specs.js';
import { startFakeOpenAIServer } from '../testing/fake-openai-server.js';
import { fixture, repoRoot, sharedData, skipUnlessShared } from '../testing/shared.js';
import { openRun } from '../view/decision-log-view.js';
import { PROXY_DEFAULTS, startQGuidedProxy, type QGuidedProxyOptions } from './server.js';

const REAL = 'hotpotqa/hotpot_dev_distractor_first100.json';
let dir: string;
let qmodel: QModel;
let upstream: PolicyServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stepq-proxy-'));
  // A Q-value model trained by `stepq train` (the CLI), as a user would make one.
  const out = join(dir, 'qmodel');
  const r = spawnSync(
    process.execPath,
    [
      ...cliEntryArgs('run'),
      'train',
      '--pairs',
      fixture('qmodel/pairs.jsonl'),
      '--out',
      out,
      '--epochs',
      '3',
      '--dim-bits',
      '12',
      '--hidden',
      '4',
      '--json',
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  qmodel = await loadQModel(out);
  upstream = await startPolicyServer({
    policyFor: createHeuristicPolicy,
    env: 'hotpotqa',
    port: 0,
  });
});

after(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function proxyOptions(over: Partial<QGuidedProxyOptions> = {}): QGuidedProxyOptions {
  return {
    ...PROXY_DEFAULTS,
    upstreamUrl: upstream.baseUrl,
    qmodel,
    env: 'hotpotqa',
    port: 0,
    maxRetries: 0,
    timeoutMs: 10_000,
    ...over,
  };
}

function sdk(baseURL: string, apiKey = 'unused'): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0 });
}

/** An agent written against the OpenAI SDK alone: it sends stepq's prompt and parses the reply. */
async function sdkAgent(
  client: OpenAI,
  env: import('../core/env.js').Env,
  taskId: string,
  seed: number,
  maxDepth: number,
) {
  const reset = await env.reset(taskId);
  let state = reset.state;
  const history: HistoryStep[] = [];
  const actions: string[] = [];
  for (let depth = 0; depth < maxDepth; depth++) {
    const context: StepContext = { env: env.name, taskId, task: reset.observation, history };
    const completion = await client.chat.completions.create({
      model: 'heuristic',
      messages: policyMessages(context),
      seed: seedFrom(seed, taskId, depth),
    });
    const step = parseReply(completion.choices[0]?.message.content ?? '');
    const result = await env.step(state, step.action);
    state = result.state;
    actions.push(step.action);
    history.push({ text: step.text, action: step.action, observation: result.observation });
    if (result.done) {
      return { actions, success: env.returns.isSuccess(result.reward) };
    }
  }
  return { actions, success: false };
}

test(
  'an OpenAI-SDK agent through the proxy takes the same actions as stepq eval --algorithm qguided (real HotpotQA)',
  { skip: skipUnlessShared(REAL) },
  async () => {
    const bundle = await createEnvBundle({
      env: 'hotpotqa',
      data: sharedData(REAL) as string,
      seed: 0,
    });
    const taskIds = bundle.tasks.ids.slice(0, 12);
    const seed = 11;
    const policy = await createPolicy('openai:heuristic', {
      env: 'hotpotqa',
      baseUrl: upstream.baseUrl,
      apiKey: 'unused',
      temperature: 1,
      topP: 1,
      maxTokens: 256,
      concurrency: 4,
      timeoutMs: 10_000,
      maxRetries: 0,
    });
    const direct = await runEval({
      env: bundle.env,
      policy,
      algorithm: 'qguided',
      n: 5,
      qmodel,
      seed,
      taskIds,
      concurrency: 2,
    });
    assert.equal(direct.summary.errors, 0);
    const proxy = await startQGuidedProxy(
      proxyOptions({ n: 5, logPath: join(dir, 'decisions.jsonl') }),
    );
    const proxied: string[][] = [];
    const identical: string[] = [];
    try {
      const client = sdk(proxy.baseUrl);
      // Same seeds, same decisions. One difference is expected and explained: where the Q-value
      // model ties at the top, eval breaks the tie with the episode's seeded stream and the
      // proxy (stateless) with a draw seeded from the request, so the episodes may part there.
      for (const t of direct.trajectories) {
        const viaProxy = await sdkAgent(client, bundle.env, t.taskId, seed, bundle.env.maxDepth);
        proxied.push(viaProxy.actions);
        const expected = t.steps.map((s) => s.candidates[s.chosen]?.action);
        const parted = expected.findIndex((a, i) => viaProxy.actions[i] !== a);
        if (parted < 0 && viaProxy.actions.length === expected.length) {
          assert.equal(viaProxy.success, t.success, `task ${t.taskId}`);
          identical.push(t.taskId);
          continue;
        }
        const step = t.steps[parted]!;
        const qs = step.candidates.map((c) => c.q ?? -Infinity);
        const top = Math.max(...qs);
        assert.ok(
          qs.filter((q) => q === top).length > 1,
          `task ${t.taskId} parts at step ${parted} without a tie: ${JSON.stringify(step.candidates)}`,
        );
        assert.ok(
          step.candidates.some((c) => c.action === viaProxy.actions[parted] && c.q === top),
          `task ${t.taskId}: the proxy's pick at step ${parted} is not one of the tied best`,
        );
      }
      assert.ok(identical.length >= taskIds.length / 2, `only ${identical.length} identical`);
      assert.ok(proxy.counts.decided > 0);
    } finally {
      await proxy.close();
    }
    const log = readFileSync(join(dir, 'decisions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(log.length > 0);
    assert.equal(log[0].format, 'stepq.decision/1');
    assert.ok(
      log.some(
        (r: { candidates?: Array<{ q: number | null }> }) =>
          (r.candidates?.length ?? 0) > 1 && r.candidates!.every((c) => typeof c.q === 'number'),
      ),
    );
    // `stepq view decisions.jsonl` shows the same episodes: one per task, the chosen actions.
    const view = openRun(join(dir, 'decisions.jsonl'));
    const shown = view.arms[0]?.trajectories ?? [];
    assert.equal(shown.length, direct.trajectories.length);
    shown.forEach((episode, k) => {
      const expected = direct.trajectories[k]!;
      assert.equal(episode.task, expected.task);
      assert.deepEqual(
        episode.steps.map((st) => st.candidates[st.chosen]?.action),
        proxied[k],
      );
      if (identical.includes(expected.taskId))
        assert.deepEqual(
          episode.steps.slice(0, -1).map((st) => st.observation),
          expected.steps.slice(0, -1).map((st) => st.observation.trim()),
        );
    });
  },
);

function hotpotMessages() {
  const bundleTask = 'Question: Which city is the capital of France?';
  return policyMessages({ env: 'hotpotqa', taskId: 'x', task: bundleTask, history: [] });
}

test('a decided reply carries the candidates and Q-values; usage sums the upstream calls', async () => {
  const proxy = await startQGuidedProxy(proxyOptions({ n: 4 }));
  try {
    const res = (await sdk(proxy.baseUrl).chat.completions.create({
      model: 'heuristic',
      messages: hotpotMessages(),
      seed: 5,
    })) as unknown as {
      choices: Array<{ message: { content: string } }>;
      usage: { total_tokens: number };
      stepq: {
        decision: string;
        chosen: number;
        candidates: Array<{ text: string; q: number; votes: number }>;
      };
    };
    assert.equal(res.stepq.decision, 'qguided');
    const best = res.stepq.candidates[res.stepq.chosen]!;
    assert.ok(res.stepq.candidates.every((c) => c.q <= best.q));
    assert.equal(
      res.stepq.candidates.reduce((s, c) => s + c.votes, 0),
      4,
    );
    assert.equal(parseReply(res.choices[0]!.message.content).text, best.text);
    assert.ok(res.usage.total_tokens > 0);
  } finally {
    await proxy.close();
  }
});

test('streaming answers the chosen reply as chunks; the same content as without streaming', async () => {
  const proxy = await startQGuidedProxy(proxyOptions({ n: 3 }));
  try {
    const client = sdk(proxy.baseUrl);
    const plain = await client.chat.completions.create({
      model: 'heuristic',
      messages: hotpotMessages(),
      seed: 9,
    });
    const stream = await client.chat.completions.create({
      model: 'heuristic',
      messages: hotpotMessages(),
      seed: 9,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, plain.choices[0]?.message.content);
    assert.ok(usage);
  } finally {
    await proxy.close();
  }
});

test('pass-through: tools, n > 1, the header, unreadable conversations and replies with no action', async () => {
  const fake = await startFakeOpenAIServer();
  const proxy = await startQGuidedProxy(proxyOptions({ upstreamUrl: fake.baseUrl, n: 3 }));
  try {
    const client = sdk(proxy.baseUrl);
    const messages = hotpotMessages();
    const tools = await client.chat.completions.create({
      model: 'fake-model',
      messages,
      tools: [
        {
          type: 'function',
          function: { name: 'f', parameters: { type: 'object', properties: {} } },
        },
      ],
    });
    assert.equal((tools as unknown as { stepq?: unknown }).stepq, undefined);
    assert.ok(
      Array.isArray(fake.requests.at(-1)?.body?.tools),
      'tools reach the upstream unchanged',
    );
    const many = await client.chat.completions.create({ model: 'fake-model', messages, n: 2 });
    assert.equal(many.choices.length, 2);
    await client.chat.completions.create(
      { model: 'fake-model', messages },
      { headers: { 'x-stepq-passthrough': '1' } },
    );
    assert.equal(
      fake.requests.at(-1)?.body?.n,
      undefined,
      'the header passes the request through as sent',
    );
    const prefilled = await client.chat.completions.create({
      model: 'fake-model',
      messages: [...messages, { role: 'assistant', content: 'Thought:' }],
    });
    assert.equal((prefilled as unknown as { stepq?: unknown }).stepq, undefined);
    fake.enqueue({ kind: 'choices', texts: ['I am not sure.', 'Let me think.', 'Hmm.'] });
    const junk = (await client.chat.completions.create({
      model: 'fake-model',
      messages,
    })) as unknown as {
      choices: Array<{ message: { content: string } }>;
      stepq: { decision: string; reason: string };
    };
    assert.equal(junk.stepq.decision, 'passthrough');
    assert.match(junk.stepq.reason, /no candidate has a parseable action/);
    assert.equal(junk.choices[0]?.message.content, 'I am not sure.');
    assert.equal(proxy.counts.decided, 0);
  } finally {
    await proxy.close();
    await fake.close();
  }
});

test('upstream failures become one-line 502s (closed port, HTTP 500); a bad request is a 400', async () => {
  const fake = await startFakeOpenAIServer();
  const closedPort = fake.port;
  await fake.close();
  const proxy = await startQGuidedProxy(
    proxyOptions({ upstreamUrl: `http://127.0.0.1:${closedPort}/v1` }),
  );
  const broken = await startFakeOpenAIServer({
    handler: () => ({ kind: 'error', status: 500, message: 'boom' }),
  });
  const proxy500 = await startQGuidedProxy(proxyOptions({ upstreamUrl: broken.baseUrl }));
  try {
    await assert.rejects(
      sdk(proxy.baseUrl).chat.completions.create({ model: 'm', messages: hotpotMessages() }),
      (err: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(err.status, 502);
        assert.match(err.message, /could not connect/);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
    await assert.rejects(
      sdk(proxy500.baseUrl).chat.completions.create({ model: 'm', messages: hotpotMessages() }),
      (err: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(err.status, 502);
        assert.match(err.message, /HTTP 500/);
        return true;
      },
    );
    await assert.rejects(
      sdk(proxy500.baseUrl).chat.completions.create({ model: 'm', messages: [] }),
      (err: InstanceType<typeof OpenAI.APIError>) => err.status === 400,
    );
  } finally {
    await proxy.close();
    await proxy500.close();
    await broken.close();
  }
});

function rawGet(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/models', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('a foreign Host header is refused; with a client key, requests need it', async () => {
  const proxy = await startQGuidedProxy(proxyOptions({ clientKey: 'proxy-secret' }));
  try {
    assert.equal(
      await rawGet(proxy.port, { host: 'evil.example:80', authorization: 'Bearer proxy-secret' }),
      403,
    );
    assert.equal(await rawGet(proxy.port, { host: `127.0.0.1:${proxy.port}` }), 401);
    assert.equal(
      await rawGet(proxy.port, {
        host: `localhost:${proxy.port}`,
        authorization: 'Bearer proxy-secret',
      }),
      200,
    );
    await assert.rejects(
      sdk(proxy.baseUrl, 'wrong').models.list(),
      (err: InstanceType<typeof OpenAI.APIError>) => err.status === 401,
    );
  } finally {
    await proxy.close();
  }
});

test('several clients at once: every request answered, upstream requests in flight bounded', async () => {
  const fake = await startFakeOpenAIServer({
    handler: () => ({
      kind: 'choices',
      texts: ['Thought: a\nAction: Search[A]', 'Thought: b\nAction: Search[B]'],
      delayMs: 15,
    }),
  });
  const proxy = await startQGuidedProxy(
    proxyOptions({ upstreamUrl: fake.baseUrl, n: 2, concurrency: 3 }),
  );
  try {
    const clients = Array.from({ length: 4 }, () => sdk(proxy.baseUrl));
    const answers = await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: 8 }, (_, i) =>
          client.chat.completions.create({ model: 'm', messages: hotpotMessages(), seed: i }),
        ),
      ),
    );
    assert.equal(answers.length, 32);
    assert.ok(
      answers.every((a) => /Action: Search\[[AB]\]/.test(a.choices[0]?.message.content ?? '')),
    );
    assert.ok(fake.maxInFlight <= 3, `in flight ${fake.maxInFlight}`);
    assert.ok(fake.maxInFlight >= 2, 'requests do overlap');
  } finally {
    await proxy.close();
    await fake.close();
  }
});

test('memory stays flat over 700 requests (two windows of 300 after a warm-up)', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // An upstream that keeps nothing per request (the fake server records every request).
  const fixed = await startPolicyServer({
    env: 'hotpotqa',
    port: 0,
    policyFor: () => ({
      name: 'fixed',
      propose: async (_messages, n, { seed }) => ({
        candidates: Array.from(
          { length: n },
          (_, i) => `Thought: t\nAction: Search[${(seed + i) % 7}]`,
        ),
        usage: { calls: 1, promptTokens: 0, completionTokens: 0 },
      }),
    }),
  });
  const proxy = await startQGuidedProxy(
    proxyOptions({ upstreamUrl: fixed.baseUrl, n: 2, concurrency: 16 }),
  );
  try {
    const client = sdk(proxy.baseUrl);
    const batch = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 25)
        await Promise.all(
          Array.from({ length: 25 }, (_, j) =>
            client.chat.completions.create({
              model: 'heuristic',
              messages: hotpotMessages(),
              seed: i + j,
            }),
          ),
        );
    };
    // Two windows after a warm-up: a leak grows the heap in both; one-time allocations (code
    // caches, lazily loaded modules of a shared test process) in at most one.
    await batch(0, 100);
    const windows: number[] = [];
    for (const from of [100, 400]) {
      gc();
      const before = process.memoryUsage().heapUsed;
      await batch(from, 300);
      gc();
      windows.push(process.memoryUsage().heapUsed - before);
    }
    assert.equal(proxy.counts.decided, 700);
    const grown = Math.min(...windows);
    assert.ok(
      // 5 KiB per request kept would be 1.5 MiB per window.
      grown < 1.5 * 1024 * 1024,
      `heap grew by ${windows.map((w) => (w / 1048576).toFixed(1)).join(' and ')} MiB over two windows of 300 requests`,
    );
  } finally {
    await proxy.close();
    await fixed.close();
  }
});

test('no secret reaches a reply or the decision log, even when the upstream echoes its Authorization', async () => {
  const upstreamKey = 'sk-upstream-secret-123456';
  const echo = await startFakeOpenAIServer({
    handler: (r) => ({
      kind: 'error',
      status: 401,
      message: `bad key: ${String(r.headers.authorization)}`,
    }),
  });
  const logPath = join(dir, 'secret-decisions.jsonl');
  const proxy = await startQGuidedProxy(
    proxyOptions({
      upstreamUrl: echo.baseUrl,
      upstreamApiKey: upstreamKey,
      clientKey: 'client-secret-987',
      logPath,
    }),
  );
  try {
    const messages = hotpotMessages();
    for (const extra of [{}, { tools: [{ type: 'function' as const, function: { name: 'f' } }] }]) {
      await assert.rejects(
        sdk(proxy.baseUrl, 'client-secret-987').chat.completions.create({
          model: 'm',
          messages,
          ...extra,
        }),
        (err: InstanceType<typeof OpenAI.APIError>) => {
          assert.doesNotMatch(err.message, /upstream-secret|client-secret/);
          return true;
        },
      );
    }
    assert.equal(
      echo.requests.at(-1)?.headers.authorization,
      `Bearer ${upstreamKey}`,
      "the proxy's own key goes upstream, not the client's",
    );
  } finally {
    await proxy.close();
    await echo.close();
  }
  const logged = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  assert.doesNotMatch(logged, /upstream-secret|client-secret/);
});
