/**
 * Serves an embedded Policy (the heuristic) as an OpenAI-compatible chat endpoint, so
 * the whole LLM path (client, n, seeds, retries, limiter, cache) can be exercised offline:
 * `--policy openai:heuristic --base-url http://127.0.0.1:<port>/v1`.
 *
 * - `n` and `seed` are honoured; without a seed, one is derived from the request body
 *   (seedFrom of its canonical JSON), so identical requests get identical replies.
 * - `stop` cuts each reply before the earliest stop string; `max_tokens` cuts it after
 *   max_tokens x 4 characters (finish_reason `length`). temperature/top_p are accepted
 *   and ignored: the embedded policy samples with its own seeded randomness.
 * - usage is an estimate, not a tokenizer count: ~4 characters per token (src/text/tokens.ts).
 * - `latencyMs` delays each answer without blocking others (a slow LLM, not a serial one).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Message } from '../core/messages.js';
import type { Policy } from '../core/policy.js';
import { seedFrom } from '../core/rng.js';
import { formatPath } from '../core/validate.js';
import { canonicalJson } from './cache.js';
import {
  closeServer,
  HttpError,
  hostAllowed,
  listen,
  parseJsonBody,
  readBody,
  sendError,
  sendJson,
} from './http-server.js';
import { truncateAtStop } from './stop.js';
import { CHARS_PER_TOKEN, estimatePromptTokens, estimateTokens } from '../text/tokens.js';

export const SERVED_MODEL = 'heuristic';
const MAX_N = 128;

export interface PolicyServerOptions {
  /** Builds the served policy once, at start (errors surface before listening). */
  policyFor: (env: string) => Policy | Promise<Policy>;
  env: string;
  /** Listening address; keep the loopback default (the server has no authentication). */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Delay added to every answer, in ms. */
  latencyMs?: number;
}

export interface PolicyServer {
  /** e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

const contentSchema = z.union([
  z.string(),
  z
    .array(z.object({ type: z.literal('text'), text: z.string() }))
    .transform((parts) => parts.map((p) => p.text).join('')),
]);

const chatRequestSchema = z.object({
  model: z.string(),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: contentSchema,
      }),
    )
    .min(1, 'must hold at least one message'),
  n: z.number().int().min(1).max(MAX_N).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function modelObject() {
  return { id: SERVED_MODEL, object: 'model', created: 0, owned_by: 'stepq' };
}

function parseChatRequest(raw: string) {
  const json = parseJsonBody(raw);
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? formatPath(issue.path) : null;
    throw new HttpError(
      400,
      issue ? `invalid '${param}': ${issue.message}` : 'invalid request',
      param,
    );
  }
  const body = parsed.data;
  if (body.model !== SERVED_MODEL) {
    throw new HttpError(
      404,
      `The model '${body.model}' does not exist (this server serves '${SERVED_MODEL}')`,
      'model',
      'invalid_request_error',
      'model_not_found',
    );
  }
  if (body.stream)
    throw new HttpError(400, 'stream is not supported by stepq serve-policy', 'stream');
  return { body, json };
}

async function chatCompletion(policy: Policy, raw: string): Promise<unknown> {
  const { body, json } = parseChatRequest(raw);
  const messages: Message[] = body.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: m.content,
  }));
  const n = body.n ?? 1;
  const seed = body.seed ?? seedFrom(canonicalJson(json));
  const stops = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  let reply;
  try {
    reply = await policy.propose(messages, n, { seed });
  } catch (err) {
    throw new HttpError(
      500,
      `the ${policy.name} policy failed: ${(err as Error).message ?? String(err)}`,
    );
  }
  const choices = reply.candidates.slice(0, n).map((candidate, index) => {
    let text = truncateAtStop(candidate, stops);
    let finish = 'stop';
    if (maxTokens != null && text.length > maxTokens * CHARS_PER_TOKEN) {
      text = text.slice(0, maxTokens * CHARS_PER_TOKEN);
      finish = 'length';
    }
    return {
      index,
      message: { role: 'assistant', content: text },
      logprobs: null,
      finish_reason: finish,
    };
  });
  const promptTokens = estimatePromptTokens(messages);
  const completionTokens = choices.reduce((sum, c) => sum + estimateTokens(c.message.content), 0);
  return {
    id: `chatcmpl-stepq-${seed.toString(16)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: SERVED_MODEL,
    system_fingerprint: `stepq-${policy.name}`,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

export async function startPolicyServer(options: PolicyServerOptions): Promise<PolicyServer> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const policy = await options.policyFor(options.env);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Like the viewer and the proxy: a page elsewhere must not reach this server through a
    // name that resolves to 127.0.0.1 (DNS rebinding).
    if (!hostAllowed(req.headers.host, host))
      throw new HttpError(
        403,
        `forbidden Host header "${req.headers.host ?? ''}"`,
        null,
        'forbidden',
      );
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    if (path === '/v1/models' || path === '/v1/models/') {
      if (method !== 'GET') throw new HttpError(405, `use GET for ${path}`);
      sendJson(res, 200, { object: 'list', data: [modelObject()] });
      return;
    }
    if (path === `/v1/models/${SERVED_MODEL}`) {
      if (method !== 'GET') throw new HttpError(405, `use GET for ${path}`);
      sendJson(res, 200, modelObject());
      return;
    }
    if (path === '/v1/chat/completions') {
      if (method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
      const answer = await chatCompletion(policy, await readBody(req));
      if (latencyMs > 0) await sleep(latencyMs);
      sendJson(res, 200, answer);
      return;
    }
    throw new HttpError(
      404,
      `no route ${method} ${path} (this server has GET /v1/models and POST /v1/chat/completions)`,
    );
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => sendError(res, err));
  });
  const port = await listen(server, host, options.port);

  return {
    baseUrl: `http://${host}:${port}/v1`,
    port,
    close: () => closeServer(server),
  };
}
