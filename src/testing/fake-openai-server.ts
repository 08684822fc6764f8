/**
 * A scriptable OpenAI-compatible server for tests: a real node:http server on
 * 127.0.0.1 (random port) that speaks POST /v1/chat/completions, POST /v1/completions
 * and GET /v1/models. Each POST takes the next scripted reply from the queue, else asks
 * the handler, else answers with numbered default texts. Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listen, sendJson } from '../llm/http-server.js';
import { estimatePromptTokens, estimateTokens } from '../text/tokens.js';
import { lmRoutes, type FakeLmOptions } from './fake-lm-routes.js';

export type { FakeLmOptions } from './fake-lm-routes.js';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** How the server answers one request. `delayMs` waits before answering (in-flight overlap). */
export type FakeReply =
  | {
      kind: 'choices';
      /** The texts, or a function of the choice index and the request body. Cycled when n exceeds them. */
      texts: readonly string[] | ((index: number, body: FakeRequestBody) => string);
      /** Return a single choice whatever n was asked (like servers that ignore n). */
      ignoreN?: boolean;
      /** Usage to report; null omits the field; default: ~4 chars per token estimates. */
      usage?: FakeUsage | null;
      delayMs?: number;
    }
  | {
      kind: 'error';
      status: number;
      message?: string;
      /** OpenAI-style `error.param`, e.g. 'n'. */
      param?: string;
      /** `Retry-After` header value (seconds or an HTTP date). */
      retryAfter?: string;
      /** `retry-after-ms` header value (the OpenAI SDK honours it). */
      retryAfterMs?: string;
      delayMs?: number;
    }
  /** Never answers (until close()): for client timeouts. */
  | { kind: 'hang' }
  /** A broken body, sent with status 200 and the given content type (default application/json). */
  | { kind: 'malformed'; body: string; contentType?: string; delayMs?: number }
  /** Any JSON body, e.g. a /v1/completions answer with echo + logprobs. */
  | { kind: 'json'; body: unknown; status?: number; delayMs?: number };

export type FakeRequestBody = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  /** The query string without `?` ('' when none). */
  query: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body, or undefined when it was empty or not JSON. */
  body: FakeRequestBody | undefined;
}

export type FakeHandler = (
  request: RecordedRequest,
) => FakeReply | undefined | Promise<FakeReply | undefined>;

export interface FakeOpenAIServer {
  /** e.g. `http://127.0.0.1:54321/v1`: pass as baseURL. */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests being answered right now, and the most ever at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Queues replies for the next POST requests, in order. */
  enqueue(...replies: FakeReply[]): void;
  /** Consulted when the queue is empty; returning undefined gives the default reply. */
  setHandler(handler: FakeHandler | undefined): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Model ids listed by GET /v1/models (default `fake-model`). */
  models?: string[];
  handler?: FakeHandler;
  /**
   * Serve a fake language model (fake-lm.ts) on vLLM's or llama-cpp-python's routes:
   * its tokenize endpoints and /v1/completions with log-probs, when no reply is queued.
   */
  lm?: FakeLmOptions;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function defaultText(index: number, body: FakeRequestBody): string {
  return `Thought: fake reply ${index} (seed ${body.seed == null ? 'none' : JSON.stringify(body.seed)})\nAction: Finish[fake]`;
}

function promptTokens(body: FakeRequestBody): number {
  if (Array.isArray(body.messages)) {
    return estimatePromptTokens(
      body.messages.map((m) => ({ content: typeof m?.content === 'string' ? m.content : '' })),
    );
  }
  return estimateTokens(typeof body.prompt === 'string' ? body.prompt : '');
}

function choicesBody(
  path: string,
  reply: Extract<FakeReply, { kind: 'choices' }>,
  body: FakeRequestBody,
): unknown {
  const asked = typeof body.n === 'number' && body.n >= 1 ? Math.floor(body.n) : 1;
  const count = reply.ignoreN ? 1 : asked;
  const texts = Array.from({ length: count }, (_, i) => {
    if (typeof reply.texts === 'function') return reply.texts(i, body);
    return reply.texts.length ? (reply.texts[i % reply.texts.length] as string) : '';
  });
  const chat = path.endsWith('/chat/completions');
  const choices = texts.map((text, index) =>
    chat
      ? {
          index,
          message: { role: 'assistant', content: text },
          finish_reason: 'stop',
          logprobs: null,
        }
      : { index, text, finish_reason: 'stop', logprobs: null },
  );
  const usage =
    reply.usage === null
      ? undefined
      : (reply.usage ?? {
          prompt_tokens: promptTokens(body),
          completion_tokens: texts.reduce((sum, t) => sum + estimateTokens(t), 0),
        });
  return {
    id: `fake-${Date.now()}`,
    object: chat ? 'chat.completion' : 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof body.model === 'string' ? body.model : 'fake-model',
    choices,
    ...(usage
      ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }
      : {}),
  };
}

export async function startFakeOpenAIServer(
  options: FakeServerOptions = {},
): Promise<FakeOpenAIServer> {
  const lm = options.lm ? lmRoutes(options.lm) : undefined;
  const models = options.models ?? (options.lm ? Object.keys(options.lm.models) : ['fake-model']);
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  let handler = options.handler;
  let inFlight = 0;
  let maxInFlight = 0;

  async function answer(recorded: RecordedRequest, res: ServerResponse): Promise<void> {
    const { method, path } = recorded;
    if (method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
      });
      return;
    }
    if (lm && method === 'POST' && lm.paths.includes(path) && queue.length === 0) {
      const answered = lm.answer(path, recorded.body ?? {});
      sendJson(res, answered.status, answered.body);
      return;
    }
    if (method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/completions')) {
      sendJson(res, 404, {
        error: {
          message: `no route ${method} ${path}`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
      return;
    }
    const reply: FakeReply = queue.shift() ??
      (await handler?.(recorded)) ?? { kind: 'choices', texts: defaultText };
    if (reply.kind === 'hang') return; // the socket stays open until the client gives up or close()
    if (reply.delayMs) await sleep(reply.delayMs);
    const body = recorded.body ?? {};
    switch (reply.kind) {
      case 'choices':
        sendJson(res, 200, choicesBody(path, reply, body));
        return;
      case 'json':
        sendJson(res, reply.status ?? 200, reply.body);
        return;
      case 'malformed': {
        res.writeHead(200, { 'content-type': reply.contentType ?? 'application/json' });
        res.end(reply.body);
        return;
      }
      case 'error': {
        const headers: Record<string, string> = {};
        if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
        if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = reply.retryAfterMs;
        const type =
          reply.status === 429
            ? 'rate_limit_error'
            : reply.status >= 500
              ? 'server_error'
              : 'invalid_request_error';
        sendJson(
          res,
          reply.status,
          {
            error: {
              message: reply.message ?? `fake error ${reply.status}`,
              type,
              param: reply.param ?? null,
              code: null,
            },
          },
          headers,
        );
        return;
      }
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: FakeRequestBody | undefined;
      try {
        const parsed: unknown = rawBody ? JSON.parse(rawBody) : undefined;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          body = parsed as FakeRequestBody;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0] as string,
        query: (req.url ?? '').split('?').slice(1).join('?'),
        headers: req.headers,
        rawBody,
        body,
      };
      requests.push(recorded);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let counted = true;
      const done = () => {
        if (counted) inFlight--;
        counted = false;
      };
      res.on('finish', done);
      res.on('close', done);
      answer(recorded, res).catch((err: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, {
            error: { message: `fake server handler failed: ${String(err)}`, type: 'server_error' },
          });
      });
    });
  });

  const port = await listen(server, '127.0.0.1', 0);

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    setHandler(next) {
      handler = next;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
