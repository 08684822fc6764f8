import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { afterEach, test } from 'node:test';
import type { PolicyOptions } from '../agent/policy-factory.js';
import { servePolicy } from '../cli/commands/serve-policy.js';
import { UserError } from '../core/errors.js';
import type { Message } from '../core/messages.js';
import type { Policy } from '../core/policy.js';
import { Rng } from '../core/rng.js';
import { repoRoot } from '../testing/shared.js';
import { LlmError } from './errors.js';
import { createOpenAIPolicy } from './openai-policy.js';
import { startPolicyServer, type PolicyServer } from './serve-policy.js';
import { estimatePromptTokens } from '../text/tokens.js';

/** A tiny seeded policy: candidate i depends only on (seed, i, last message). */
class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  readonly seeds: number[] = [];
  async propose(messages: readonly Message[], n: number, { seed }: { seed: number }) {
    this.seeds.push(seed);
    const rng = new Rng(seed);
    const last = messages[messages.length - 1]?.content ?? '';
    const candidates = Array.from(
      { length: n },
      (_, i) =>
        `Thought: ${last.length} #${i} r${rng.int(1000)}\nAction: Search[x${i}]\nObservation: invented`,
    );
    return { candidates, usage: { calls: 0, promptTokens: 0, completionTokens: 0 } };
  }
}

const messages: Message[] = [
  { role: 'user', content: 'Solve the task.' },
  { role: 'user', content: 'Question: Where is Paris?' },
];

const servers: PolicyServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});

async function serve(policy: Policy, latencyMs = 0): Promise<PolicyServer> {
  const server = await startPolicyServer({
    policyFor: () => policy,
    env: 'toy',
    host: '127.0.0.1',
    port: 0,
    latencyMs,
  });
  servers.push(server);
  return server;
}

function clientOptions(baseUrl: string, over: Partial<PolicyOptions> = {}): PolicyOptions {
  return {
    env: 'toy',
    baseUrl,
    temperature: 1,
    topP: 0.9,
    maxTokens: 256,
    concurrency: 8,
    timeoutMs: 5000,
    maxRetries: 0,
    ...over,
  };
}

async function post(
  server: PolicyServer,
  body: unknown,
  path = '/chat/completions',
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('round trip: the openai policy gets n candidates from the served policy, seeded, with estimated usage', async () => {
  const scripted = new ScriptedPolicy();
  const server = await serve(scripted);
  const client = createOpenAIPolicy('heuristic', clientOptions(server.baseUrl));
  const reply = await client.propose(messages, 3, { seed: 42 });
  const direct = await new ScriptedPolicy().propose(messages, 3, { seed: 42 });
  assert.deepEqual(
    reply.candidates,
    direct.candidates.map((c) => c.slice(0, c.indexOf('Observation'))),
  );
  assert.equal(reply.usage.calls, 1);
  assert.equal(reply.usage.promptTokens, estimatePromptTokens(messages));
  assert.ok(reply.usage.completionTokens > 0);
  assert.deepEqual(scripted.seeds, [42]);
  assert.deepEqual((await client.propose(messages, 3, { seed: 42 })).candidates, reply.candidates);
  assert.notDeepEqual(
    (await client.propose(messages, 3, { seed: 43 })).candidates,
    reply.candidates,
  );
});

test('without a seed, the seed is derived from the request body (same body, same reply)', async () => {
  const scripted = new ScriptedPolicy();
  const server = await serve(scripted);
  const body = { model: 'heuristic', messages, n: 2 };
  const a = await post(server, body);
  const b = await post(server, body);
  const c = await post(server, {
    ...body,
    messages: [...messages, { role: 'assistant', content: 'x' }],
  });
  assert.equal(a.status, 200);
  assert.deepEqual(a.json.choices, b.json.choices);
  assert.equal(scripted.seeds[0], scripted.seeds[1]);
  assert.notEqual(scripted.seeds[0], scripted.seeds[2]);
  assert.equal(c.json.choices.length, 2);
});

test('honours stop and max_tokens, and lists the model', async () => {
  const server = await serve(new ScriptedPolicy());
  const stopped = await post(server, { model: 'heuristic', messages, seed: 1, stop: 'Action' });
  assert.match(stopped.json.choices[0].message.content, /^Thought: [^\n]*\n$/);
  const short = await post(server, { model: 'heuristic', messages, seed: 1, max_tokens: 2 });
  assert.equal(short.json.choices[0].message.content.length, 8);
  assert.equal(short.json.choices[0].finish_reason, 'length');
  const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as {
    data: Array<{ id: string }>;
  };
  assert.deepEqual(
    models.data.map((m) => m.id),
    ['heuristic'],
  );
});

test('bad requests get OpenAI-style errors', async () => {
  const server = await serve(new ScriptedPolicy());
  const cases: Array<[unknown, number, RegExp, string | null]> = [
    ['{not json', 400, /not valid JSON/, null],
    [{ model: 'heuristic' }, 400, /invalid 'messages'/, 'messages'],
    [{ model: 'heuristic', messages, n: 0 }, 400, /invalid 'n'/, 'n'],
    [
      { model: 'heuristic', messages: [{ role: 'tool', content: 'x' }] },
      400,
      /invalid 'messages\[0\]\.role'/,
      'messages[0].role',
    ],
    [{ model: 'heuristic', messages, stream: true }, 400, /stream is not supported/, 'stream'],
    [{ model: 'gpt-4', messages }, 404, /model 'gpt-4' does not exist/, 'model'],
  ];
  for (const [body, status, message, param] of cases) {
    const res = await post(server, body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.match(res.json.error.message, message);
    assert.equal(res.json.error.param, param);
    assert.equal(res.json.error.type, 'invalid_request_error');
  }
  assert.equal((await fetch(`${server.baseUrl}/chat/completions`)).status, 405);
  assert.equal((await post(server, {}, '/completions')).status, 404);
  // Through the client, the server's message reaches the LlmError.
  const err = await createOpenAIPolicy('gpt-4', clientOptions(server.baseUrl))
    .propose(messages, 1, { seed: 1 })
    .catch((e: unknown) => e);
  assert.ok(err instanceof LlmError);
  assert.equal(err.status, 404);
  assert.match(err.message, /does not exist/);
});

test('a failing policy is a 500 with its message', async () => {
  const failing: Policy = {
    name: 'broken',
    propose: async () => {
      throw new Error('no idea');
    },
  };
  const server = await serve(failing);
  const res = await post(server, { model: 'heuristic', messages });
  assert.equal(res.status, 500);
  assert.match(res.json.error.message, /the broken policy failed: no idea/);
});

test('latency is applied per request without serialising concurrent requests', async () => {
  const latency = 200;
  const server = await serve(new ScriptedPolicy(), latency);
  const client = createOpenAIPolicy('heuristic', clientOptions(server.baseUrl, { concurrency: 4 }));
  const started = Date.now();
  const replies = await Promise.all(
    [0, 1, 2, 3].map((seed) => client.propose(messages, 1, { seed })),
  );
  const elapsed = Date.now() - started;
  assert.equal(replies.length, 4);
  assert.ok(elapsed >= latency, `took ${elapsed} ms, expected >= ${latency}`);
  assert.ok(
    elapsed < 2.5 * latency,
    `took ${elapsed} ms: requests were serialised (4 x ${latency} = ${4 * latency})`,
  );
});

test('the serve-policy command prints the base URL and stops when told', async () => {
  const lines: string[] = [];
  let stop!: () => void;
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const running = servePolicy(
    { port: 0, latencyMs: 0, env: 'toy' },
    {
      policyFor: () => new ScriptedPolicy(),
      untilStop: () => {
        listening();
        return new Promise<void>((resolve) => (stop = resolve));
      },
      print: (line) => lines.push(line),
    },
  );
  await ready;
  const url = /--base-url (\S+)/.exec(lines.join('\n'))?.[1];
  assert.ok(url?.startsWith('http://127.0.0.1:'), lines.join('\n'));
  assert.match(lines.join('\n'), /--policy openai:heuristic --base-url/);
  const models = await fetch(`${url}/models`);
  assert.equal(models.status, 200);
  await models.arrayBuffer();
  stop();
  await running;
  assert.equal(lines.at(-1), 'stopped');
  await assert.rejects(fetch(`${url}/models`));
});

test('a port in use is a UserError', async () => {
  const first = await serve(new ScriptedPolicy());
  await assert.rejects(
    startPolicyServer({ policyFor: () => new ScriptedPolicy(), env: 'toy', port: first.port }),
    (e: unknown) =>
      e instanceof UserError && /options\.port \d+: in use on 127\.0\.0\.1/.test(e.message),
  );
});

test('`stepq serve-policy` (real heuristic) exits cleanly on SIGTERM', async (t) => {
  const { createHeuristicPolicy } = await import('../agent/heuristic/index.js');
  try {
    createHeuristicPolicy('hotpotqa');
  } catch (err) {
    t.skip(`heuristic policy not available yet: ${(err as Error).message}`);
    return;
  }
  const script =
    "const { main } = await import('./src/cli/main.ts'); await main(['node', 'stepq', 'serve-policy', '--port', '0']);";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /--base-url (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', () => reject(new Error(`exited early: ${out}${err}`)));
  });
  const reply = await createOpenAIPolicy('heuristic', clientOptions(url)).propose(
    [{ role: 'user', content: 'Question: Who wrote Hamlet?' }],
    2,
    { seed: 1 },
  );
  assert.equal(reply.candidates.length, 2);
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0, err);
  assert.match(out, /stopped/);
});

test('a foreign Host header is refused (DNS rebinding), like the viewer does', async () => {
  const { request } = await import('node:http');
  const server = await serve(new ScriptedPolicy());
  const statusFor = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/v1/models', headers: { host } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
  assert.equal(await statusFor('evil.example:80'), 403);
  assert.equal(await statusFor(`127.0.0.1:${server.port}`), 200);
  assert.equal(await statusFor(`localhost:${server.port}`), 200);
});
