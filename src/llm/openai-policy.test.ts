import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import type { PolicyOptions } from '../agent/policy-factory.js';
import { UserError } from '../core/errors.js';
import type { Message } from '../core/messages.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../testing/fake-openai-server.js';
import { FatalRunError } from '../core/errors.js';
import { LlmError, LlmReplyError, LlmUnavailableError } from './errors.js';
import { createOpenAIPolicy, OpenAIPolicy } from './openai-policy.js';

const messages: Message[] = [
  { role: 'user', content: 'Solve the task.' },
  { role: 'assistant', content: 'OK' },
  { role: 'user', content: 'Question: Where is Paris?' },
];

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function fakeServer(): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAIServer();
  cleanups.push(() => server.close());
  return server;
}

function options(server: FakeOpenAIServer, over: Partial<PolicyOptions> = {}): PolicyOptions {
  return {
    env: 'hotpotqa',
    baseUrl: server.baseUrl,
    temperature: 0.7,
    topP: 0.9,
    maxTokens: 64,
    concurrency: 4,
    timeoutMs: 2000,
    maxRetries: 2,
    ...over,
  };
}

function retryCounts(server: FakeOpenAIServer): string[] {
  return server.requests.map((r) => String(r.headers['x-stainless-retry-count']));
}

test('asks for all n candidates in one request with the sampling settings, and counts usage', async () => {
  const server = await fakeServer();
  server.enqueue({
    kind: 'choices',
    texts: ['Thought: a\nAction: Search[x]', 'Thought: b\nAction: Finish[y]'],
    usage: { prompt_tokens: 120, completion_tokens: 33 },
  });
  const policy = createOpenAIPolicy('m1', options(server));
  assert.equal(policy.name, 'openai:m1');
  const reply = await policy.propose(messages, 2, { seed: 11 });
  assert.deepEqual(reply.candidates, [
    'Thought: a\nAction: Search[x]',
    'Thought: b\nAction: Finish[y]',
  ]);
  assert.deepEqual(reply.usage, { calls: 1, promptTokens: 120, completionTokens: 33 });
  assert.equal(server.requests.length, 1);
  const body = server.requests[0]?.body;
  assert.deepEqual(
    {
      model: body?.model,
      n: body?.n,
      seed: body?.seed,
      temperature: body?.temperature,
      top_p: body?.top_p,
      max_tokens: body?.max_tokens,
      stop: body?.stop,
    },
    {
      model: 'm1',
      n: 2,
      seed: 11,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 64,
      stop: ['Observation'],
    },
  );
  assert.deepEqual(body?.messages, messages);
});

test('cuts a reply before an invented Observation turn even when the server ignores stop', async () => {
  const server = await fakeServer();
  server.enqueue({
    kind: 'choices',
    texts: [
      'Thought: look\nAction: Search[Paris]\nObservation: Paris is in France.\nThought: done',
    ],
  });
  const reply = await createOpenAIPolicy('m1', options(server)).propose(messages, 1, { seed: 1 });
  assert.deepEqual(reply.candidates, ['Thought: look\nAction: Search[Paris]\n']);
});

test('missing usage counts calls but 0 tokens', async () => {
  const server = await fakeServer();
  server.enqueue({ kind: 'choices', texts: ['Thought: t\nAction: Finish[a]'], usage: null });
  const reply = await createOpenAIPolicy('m1', options(server)).propose(messages, 1, { seed: 1 });
  assert.deepEqual(reply.usage, { calls: 1, promptTokens: 0, completionTokens: 0 });
});

test('an endpoint that ignores n (one choice on every try) gets single requests with seeds seed+i, remembered afterwards', async () => {
  const server = await fakeServer();
  server.setHandler((r) => ({
    kind: 'choices',
    texts: (_i, body) => `${r.body?.n === 1 ? 'single' : 'first'} seed ${String(body.seed)}`,
    ignoreN: true,
    usage: { prompt_tokens: 10, completion_tokens: 2 },
  }));
  const policy = createOpenAIPolicy('m1', options(server, { retryBaseMs: 1 }));
  const reply = await policy.propose(messages, 3, { seed: 100 });
  assert.deepEqual(reply.candidates, ['first seed 100', 'single seed 101', 'single seed 102']);
  assert.deepEqual(reply.usage, { calls: 3, promptTokens: 30, completionTokens: 6 });
  // maxRetries 2: the n = 3 request is tried 3 times before the endpoint counts as ignoring n.
  assert.deepEqual(
    server.requests.map((r) => [r.body?.n, r.body?.seed]),
    [
      [3, 100],
      [3, 100],
      [3, 100],
      [1, 101],
      [1, 102],
    ],
  );
  // Known now: the next call goes straight to singles, even from another instance.
  const again = await createOpenAIPolicy('m1', options(server)).propose(messages, 3, { seed: 100 });
  assert.deepEqual(again.candidates, ['single seed 100', 'single seed 101', 'single seed 102']);
  assert.deepEqual(
    server.requests.slice(5).map((r) => [r.body?.n, r.body?.seed]),
    [
      [1, 100],
      [1, 101],
      [1, 102],
    ],
  );
});

test('a short reply (fewer choices than n, or none) is asked again; n is kept for the rest of the run', async () => {
  const server = await fakeServer();
  const clean = (_i: number, body: Record<string, unknown>) =>
    `Action: Finish[${String(body.seed)}-${_i}]`;
  server.setHandler(() => ({ kind: 'choices', texts: clean }));
  server.enqueue(
    { kind: 'json', body: { choices: [] } },
    { kind: 'json', body: { choices: [{ index: 0, message: { content: 'one' } }] } },
  );
  const policy = createOpenAIPolicy('m-short', options(server, { retryBaseMs: 1 }));
  const reply = await policy.propose(messages, 3, { seed: 7 });
  assert.deepEqual(reply.candidates, [
    'Action: Finish[7-0]',
    'Action: Finish[7-1]',
    'Action: Finish[7-2]',
  ]);
  assert.deepEqual(reply.usage.calls, 1, 'the faulty tries are not counted as calls');
  // The next request still asks for n = 3 in one call (before: one short reply switched to n = 1).
  await policy.propose(messages, 3, { seed: 8 });
  assert.deepEqual(
    server.requests.map((r) => r.body?.n),
    [3, 3, 3, 3],
  );
  // An empty choices list for a single request is retried too, and never executed as ''.
  server.enqueue({ kind: 'json', body: { choices: [] } });
  const single = await policy.propose(messages, 1, { seed: 9 });
  assert.deepEqual(single.candidates, ['Action: Finish[9-0]']);
});

test('a reply that stays faulty is an LlmReplyError after the tries, and is not cached', async () => {
  const server = await fakeServer();
  const cacheDir = mkdtempSync(join(tmpdir(), 'stepq-faulty-cache-'));
  cleanups.push(() => rmSync(cacheDir, { recursive: true, force: true }));
  server.setHandler(() => ({
    kind: 'malformed',
    body: 'upstream overloaded',
    contentType: 'text/plain',
  }));
  const policy = createOpenAIPolicy(
    'm1',
    options(server, { maxRetries: 2, retryBaseMs: 1, cacheDir }),
  );
  const err = await policy.propose(messages, 2, { seed: 1 }).catch((e: unknown) => e);
  assert.ok(err instanceof LlmReplyError, String(err));
  assert.match(err.message, /response is not JSON: "upstream overloaded".*after 3 attempt/);
  assert.equal(server.requests.length, 3, 'a non-JSON 200 body is retried');
  assert.equal(existsSync(join(cacheDir, 'llm')), false, 'nothing faulty is cached');
  // A short reply is not cached either: the next (healthy) answer is.
  server.setHandler(() => ({ kind: 'choices', texts: ['Action: Finish[a]'], ignoreN: false }));
  const ok = await policy.propose(messages, 2, { seed: 1 });
  assert.equal(ok.candidates.length, 2);
  const again = await policy.propose(messages, 2, { seed: 1 });
  assert.deepEqual(again.candidates, ok.candidates);
  assert.equal(server.requests.length, 4, 'the second answer came from the cache');
});

test('many requests on one run-wide signal leave no abort listener behind', async () => {
  const { EventEmitter } = await import('node:events');
  const server = await fakeServer();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  cleanups.push(() => process.off('warning', onWarning));
  const controller = new AbortController();
  const policy = createOpenAIPolicy('m-leak', options(server, { concurrency: 8 }));
  for (let round = 0; round < 5; round++)
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        policy.propose(messages, 2, { seed: round * 10 + i, signal: controller.signal }),
      ),
    );
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(EventEmitter.getEventListeners(controller.signal, 'abort').length, 0);
  assert.deepEqual(
    warnings.filter((w) => w === 'MaxListenersExceededWarning'),
    [],
  );
});

test('K infrastructure failures in a row (401, refused) stop the run with one LlmUnavailableError', async () => {
  const server = await fakeServer();
  server.setHandler(() => ({ kind: 'error', status: 401, message: 'Incorrect API key provided' }));
  const policy = createOpenAIPolicy('m1', options(server, { maxInfraFailures: 3 }));
  for (let i = 0; i < 2; i++) {
    const err = await policy.propose(messages, 1, { seed: i }).catch((e: unknown) => e);
    assert.ok(err instanceof LlmError && !(err instanceof FatalRunError), String(err));
    assert.equal(err.kind, 'infrastructure');
  }
  const third = await policy.propose(messages, 1, { seed: 3 }).catch((e: unknown) => e);
  assert.ok(third instanceof LlmUnavailableError, String(third));
  assert.match(
    third.message,
    /^stopping: 3 LLM requests in a row could not be served \(.*HTTP 401/,
  );
  // From now on every call fails at once, without a request.
  const before = server.requests.length;
  await assert.rejects(policy.propose(messages, 1, { seed: 4 }), LlmUnavailableError);
  assert.equal(server.requests.length, before);

  // A 500 is not an infrastructure failure: it never stops the run by itself.
  const flaky = await fakeServer();
  flaky.setHandler(() => ({ kind: 'error', status: 500 }));
  const p2 = createOpenAIPolicy('m1', options(flaky, { maxRetries: 0, maxInfraFailures: 2 }));
  for (let i = 0; i < 3; i++) {
    const err = await p2.propose(messages, 1, { seed: i }).catch((e: unknown) => e);
    assert.ok(err instanceof LlmError && err.kind === 'request', String(err));
  }
});

test('an endpoint that rejects n with a 400 gets single requests; other 400s are errors', async () => {
  const server = await fakeServer();
  server.enqueue({ kind: 'error', status: 400, message: 'Only n=1 is supported', param: 'n' });
  server.setHandler(() => ({ kind: 'choices', texts: (_i, body) => `seed ${String(body.seed)}` }));
  const reply = await createOpenAIPolicy('m1', options(server)).propose(messages, 2, { seed: 5 });
  assert.deepEqual(reply.candidates, ['seed 5', 'seed 6']);
  assert.deepEqual(
    server.requests.map((r) => r.body?.n),
    [2, 1, 1],
  );

  server.enqueue({ kind: 'error', status: 400, message: 'temperature is out of range' });
  const err = await createOpenAIPolicy('m2', options(server))
    .propose(messages, 2, { seed: 5 })
    .catch((e: unknown) => e);
  assert.ok(err instanceof LlmError);
  assert.equal(err.status, 400);
  assert.equal(
    err.message,
    `LLM request to ${server.baseUrl}/chat/completions failed (HTTP 400): temperature is out of range`,
  );
  assert.equal(server.requests.length, 4, 'a 400 is not retried');
});

test('retries 429 and 500 (honouring Retry-After variants) and then succeeds', async () => {
  const server = await fakeServer();
  server.enqueue(
    { kind: 'error', status: 429, retryAfterMs: '1' },
    { kind: 'error', status: 500, retryAfter: '0' },
    { kind: 'error', status: 503, retryAfterMs: '2' },
    { kind: 'choices', texts: ['Thought: ok\nAction: Finish[a]'] },
  );
  const reply = await createOpenAIPolicy('m1', options(server, { maxRetries: 3 })).propose(
    messages,
    1,
    { seed: 1 },
  );
  assert.deepEqual(reply.candidates, ['Thought: ok\nAction: Finish[a]']);
  assert.equal(reply.usage.calls, 1);
  assert.deepEqual(retryCounts(server), ['0', '1', '2', '3']);
});

test('exhausted retries on 429 give a one-line LlmError naming status and endpoint', async () => {
  const server = await fakeServer();
  server.setHandler(() => ({
    kind: 'error',
    status: 429,
    message: 'Rate limit reached',
    retryAfterMs: '1',
  }));
  const err = await createOpenAIPolicy('m1', options(server, { maxRetries: 2 }))
    .propose(messages, 1, { seed: 1 })
    .catch((e: unknown) => e);
  assert.ok(err instanceof LlmError);
  assert.ok(err instanceof UserError, 'the CLI prints it without a stack');
  assert.equal(
    err.message,
    `LLM request to ${server.baseUrl}/chat/completions failed (HTTP 429): Rate limit reached after 3 attempts`,
  );
  assert.equal(server.requests.length, 3);
});

test('a hanging server times out on every attempt -> LlmError after the retries', async () => {
  const server = await fakeServer();
  server.setHandler(() => ({ kind: 'hang' }));
  const started = Date.now();
  const err = await createOpenAIPolicy('m1', options(server, { timeoutMs: 100, maxRetries: 1 }))
    .propose(messages, 1, { seed: 1 })
    .catch((e: unknown) => e);
  assert.ok(err instanceof LlmError);
  assert.match(err.message, /failed: timed out after 2 attempts/);
  assert.equal(server.requests.length, 2);
  assert.ok(Date.now() - started >= 200, 'both attempts waited for the timeout');
});

test('an unreachable endpoint gives a connection LlmError', async () => {
  const server = await startFakeOpenAIServer();
  const baseUrl = server.baseUrl;
  await server.close();
  const err = await createOpenAIPolicy('m1', { ...options(server, { maxRetries: 0 }), baseUrl })
    .propose(messages, 1, { seed: 1 })
    .catch((e: unknown) => e);
  assert.ok(err instanceof LlmError);
  assert.match(err.message, /could not connect \(ECONNREFUSED\): is the server running/);
});

test('an aborted propose rejects with the abort reason, not an LlmError', async () => {
  const server = await fakeServer();
  server.setHandler(() => ({ kind: 'hang' }));
  const controller = new AbortController();
  const pending = createOpenAIPolicy('m1', options(server)).propose(messages, 1, {
    seed: 1,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new Error('episode cancelled')), 30);
  await assert.rejects(pending, /episode cancelled/);
});

test('malformed bodies give a clear LlmError', async () => {
  const server = await fakeServer();
  const policy = createOpenAIPolicy('m1', options(server, { maxRetries: 0 }));
  const cases: Array<[Parameters<FakeOpenAIServer['enqueue']>[0], RegExp]> = [
    [{ kind: 'malformed', body: '{"choices": [' }, /response body is not valid JSON/],
    [
      { kind: 'malformed', body: '<html>bad gateway</html>', contentType: 'text/html' },
      /response is not JSON: "<html>bad gateway/,
    ],
    [
      { kind: 'json', body: { choices: [{ text: 'completion-style' }] } },
      /malformed response body \(field choices\[0\]\.message: /,
    ],
    [{ kind: 'json', body: { result: 'x' } }, /malformed response body \(field choices: /],
  ];
  for (const [reply, expected] of cases) {
    server.enqueue(reply);
    const err = await policy.propose(messages, 1, { seed: 1 }).catch((e: unknown) => e);
    assert.ok(err instanceof LlmError, String(err));
    assert.match(err.message, expected);
    assert.ok(!err.message.includes('\n'));
  }
});

test('the global limit bounds requests in flight across policy instances', async () => {
  const server = await fakeServer();
  server.setHandler(() => ({
    kind: 'choices',
    texts: ['Thought: t\nAction: Finish[a]'],
    delayMs: 40,
  }));
  const a = createOpenAIPolicy('m1', options(server, { concurrency: 2 }));
  const b = createOpenAIPolicy('m2', options(server, { concurrency: 2 }));
  const replies = await Promise.all(
    Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).propose(messages, 1, { seed: i })),
  );
  assert.equal(replies.length, 8);
  assert.equal(server.requests.length, 8);
  assert.equal(server.maxInFlight, 2);
});

test('the on-disk cache answers repeated requests without HTTP and with 0 tokens', async () => {
  const server = await fakeServer();
  const dir = mkdtempSync(join(tmpdir(), 'stepq-llm-cache-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  server.setHandler(() => ({
    kind: 'choices',
    texts: (i, body) => `c${i} seed ${String(body.seed)}`,
    usage: { prompt_tokens: 50, completion_tokens: 8 },
  }));
  const policy = new OpenAIPolicy('m1', options(server, { cacheDir: dir }));
  const first = await policy.propose(messages, 2, { seed: 3 });
  assert.deepEqual(first.usage, { calls: 1, promptTokens: 50, completionTokens: 8 });
  const second = await policy.propose(messages, 2, { seed: 3 });
  assert.deepEqual(second.candidates, first.candidates);
  assert.deepEqual(second.usage, { calls: 0, promptTokens: 0, completionTokens: 0 });
  assert.equal(server.requests.length, 1);
  assert.deepEqual(policy.stats, { requests: 1, cacheHits: 1, cacheMisses: 1 });
  // Another seed is another request; a fresh instance reads the same files.
  await policy.propose(messages, 2, { seed: 4 });
  assert.equal(server.requests.length, 2);
  const fresh = new OpenAIPolicy('m1', options(server, { cacheDir: dir }));
  assert.deepEqual((await fresh.propose(messages, 2, { seed: 4 })).candidates, [
    'c0 seed 4',
    'c1 seed 4',
  ]);
  assert.equal(server.requests.length, 2);
  assert.equal(fresh.stats.cacheHits, 1);
  assert.ok(existsSync(join(dir, 'llm')));
  assert.equal(
    readdirSync(join(dir, 'llm')).flatMap((d) => readdirSync(join(dir, 'llm', d))).length,
    2,
  );
});

test('api.openai.com without a key, or a bad base URL, is a UserError up front', () => {
  const base = {
    env: 'hotpotqa',
    temperature: 1,
    topP: 0.9,
    maxTokens: 8,
    concurrency: 1,
    timeoutMs: 100,
    maxRetries: 0,
  };
  assert.throws(
    () => createOpenAIPolicy('gpt-4o-mini', base),
    (e: unknown) => e instanceof UserError && /OPENAI_API_KEY/.test(e.message),
  );
  assert.throws(
    () => createOpenAIPolicy('m', { ...base, baseUrl: 'localhost:8000' }),
    /must start with http/,
  );
});

test('--base-url keeps its query string on every request and turns credentials into a header; no secret in errors', async () => {
  const server = await fakeServer();
  server.enqueue({ kind: 'choices', texts: ['Action: Finish[a]'] });
  const root = server.baseUrl.replace('http://', 'http://bob:hunter2secret@');
  const policy = createOpenAIPolicy('m1', {
    ...options(server),
    baseUrl: `${root}?api-key=sekrit-query-key&api-version=2024-06-01`,
  });
  await policy.propose(messages, 1, { seed: 1 });
  const first = server.requests[0];
  assert.equal(first?.path, '/v1/chat/completions');
  assert.equal(first?.query, 'api-key=sekrit-query-key&api-version=2024-06-01');
  assert.equal(
    first?.headers.authorization,
    `Basic ${Buffer.from('bob:hunter2secret').toString('base64')}`,
  );
  // A server that echoes the request back in its error body: the message carries no secret.
  server.setHandler((r) => ({
    kind: 'error',
    status: 400,
    message: `bad request; you sent ${r.headers.authorization} to ${r.path}?${r.query}`,
  }));
  const keyed = createOpenAIPolicy('m1', {
    ...options(server),
    apiKey: 'sk-test-0123456789abcdef',
    baseUrl: `${server.baseUrl}?api-key=sekrit-query-key`,
  });
  const err = await keyed.propose(messages, 1, { seed: 2 }).catch((e: unknown) => e);
  assert.ok(err instanceof LlmError, String(err));
  assert.match(err.message, /HTTP 400/);
  for (const secret of ['sk-test-0123456789abcdef', 'sekrit-query-key', 'hunter2secret'])
    assert.ok(!err.message.includes(secret), err.message);
});
