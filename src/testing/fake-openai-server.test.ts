import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeOpenAIServer, type FakeOpenAIServer } from './fake-openai-server.js';

let server: FakeOpenAIServer;
before(async () => {
  server = await startFakeOpenAIServer({ models: ['m1'] });
});
after(() => server.close());

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('lists its models and answers unknown routes with an OpenAI-style 404', async () => {
  const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as {
    data: Array<{ id: string }>;
  };
  assert.deepEqual(
    models.data.map((m) => m.id),
    ['m1'],
  );
  const missing = await fetch(`${server.baseUrl}/nope`);
  assert.equal(missing.status, 404);
  assert.match(
    ((await missing.json()) as { error: { message: string } }).error.message,
    /no route GET \/v1\/nope/,
  );
});

test('scripted choices respect n, or ignore it on request; default usage is estimated', async () => {
  server.enqueue(
    { kind: 'choices', texts: ['a', 'b'] },
    { kind: 'choices', texts: ['x'], ignoreN: true, usage: null },
  );
  const full = (await (
    await post('/chat/completions', {
      model: 'm1',
      n: 3,
      messages: [{ role: 'user', content: 'hello world!' }],
    })
  ).json()) as {
    choices: Array<{ index: number; message: { content: string } }>;
    usage: { prompt_tokens: number; completion_tokens: number };
  };
  assert.deepEqual(
    full.choices.map((c) => c.message.content),
    ['a', 'b', 'a'],
  );
  assert.deepEqual(full.usage.prompt_tokens, 3 + 4); // 12 chars / 4 + 4 per message
  assert.equal(full.usage.completion_tokens, 3);
  const ignored = (await (
    await post('/chat/completions', { model: 'm1', n: 3, messages: [] })
  ).json()) as { choices: unknown[]; usage?: unknown };
  assert.equal(ignored.choices.length, 1);
  assert.equal(ignored.usage, undefined);
});

test('errors carry Retry-After headers; json and malformed bodies pass through; requests are recorded', async () => {
  const before = server.requests.length;
  server.enqueue(
    { kind: 'error', status: 429, retryAfter: '2', retryAfterMs: '5', message: 'slow down' },
    {
      kind: 'json',
      body: { choices: [{ text: 'Q', logprobs: { token_logprobs: [null, -0.5] } }] },
    },
    { kind: 'malformed', body: '{"choices": [' },
  );
  const limited = await post('/chat/completions', { n: 1 });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '2');
  assert.equal(limited.headers.get('retry-after-ms'), '5');
  assert.equal(
    ((await limited.json()) as { error: { message: string } }).error.message,
    'slow down',
  );
  const completion = (await (
    await post('/completions', { prompt: 'p', echo: true, logprobs: 1 })
  ).json()) as {
    choices: Array<{ logprobs: { token_logprobs: Array<number | null> } }>;
  };
  assert.deepEqual(completion.choices[0]?.logprobs.token_logprobs, [null, -0.5]);
  const broken = await post('/chat/completions', {});
  assert.equal(await broken.text(), '{"choices": [');
  const recorded = server.requests.slice(before);
  assert.deepEqual(
    recorded.map((r) => r.path),
    ['/v1/chat/completions', '/v1/completions', '/v1/chat/completions'],
  );
  assert.equal(recorded[1]?.body?.echo, true);
});

test('a handler answers when the queue is empty; hang keeps the request open', async () => {
  server.setHandler((req) => (req.path === '/v1/completions' ? { kind: 'hang' } : undefined));
  const controller = new AbortController();
  const hanging = post('/completions', { prompt: 'x' });
  const pending = fetch(`${server.baseUrl}/completions`, {
    method: 'POST',
    body: '{}',
    signal: controller.signal,
  });
  // Wait (bounded) until both requests reached the server: a loaded machine can be slow.
  for (let i = 0; i < 200 && server.inFlight < 2; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(server.inFlight, 2);
  assert.ok(server.maxInFlight >= 2);
  controller.abort();
  await assert.rejects(pending);
  // A fresh server closes cleanly even with a hanging request open.
  const other = await startFakeOpenAIServer();
  other.enqueue({ kind: 'hang' });
  const stuck = fetch(`${other.baseUrl}/chat/completions`, { method: 'POST', body: '{}' }).catch(
    (err: unknown) => err,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  await other.close();
  assert.ok((await stuck) instanceof Error);
  server.setHandler(undefined);
  const def = (await (await post('/chat/completions', { n: 2, seed: 7 })).json()) as {
    choices: Array<{ message: { content: string } }>;
  };
  assert.match(def.choices[1]?.message.content ?? '', /fake reply 1 \(seed 7\)/);
  void hanging.catch(() => undefined);
});
