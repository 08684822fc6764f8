/**
 * `stepq serve-qguided`: an OpenAI-compatible endpoint that puts a Q-value model in front of
 * any upstream LLM. For each chat request it asks the upstream for n candidates in one request
 * (the OpenAI policy's parallel fallback for servers that ignore `n`), maps the conversation to
 * a decision context, scores the distinct actions with the Q-value model and answers with the
 * best one as an ordinary completion (usage summed over the upstream calls). Requests it cannot
 * decide on go upstream unchanged. docs/proxy.md has the rules and the response's extra field.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type OpenAI from 'openai';
import type { PolicyOptions } from '../agent/policy-factory.js';
import { promptFor } from '../agent/prompts/index.js';
import type { HistoryStep } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import { redactSecrets, registerSecret } from '../core/redact.js';
import { Rng, seedFrom } from '../core/rng.js';
import { canonicalJson } from '../llm/cache.js';
import { createLlmClient, limitedCall, type LlmClient } from '../llm/client.js';
import { LlmError } from '../llm/errors.js';
import {
  closeServer,
  hostAllowed,
  HttpError,
  listen,
  parseJsonBody,
  readBody,
  sendError,
  sendJson,
} from '../llm/http-server.js';
import { OpenAIPolicy } from '../llm/openai-policy.js';
import { messagesToContext, type PromptStyle } from './conversation.js';
import { decide, type ScoredCandidate } from './decide.js';
import { DecisionLog, type DecisionRecord } from './decision-log.js';
import { parseChatRequest, passThroughReason, textMessages, type ChatRequest } from './request.js';
import { chatCompletionBody, streamCompletion, type CompletionUsage } from './response.js';

export interface QGuidedProxyOptions {
  /** The upstream's OpenAI-compatible base URL, e.g. `http://127.0.0.1:8000/v1`. */
  upstreamUrl: string;
  /** Sent upstream instead of the client's model name, when set. */
  upstreamModel?: string;
  /** Key for the upstream (the proxy's own; clients' keys are never forwarded). */
  upstreamApiKey?: string;
  qmodel: QModel;
  env: string;
  /** Candidates asked of the upstream per decision. */
  n: number;
  style: PromptStyle;
  iclTurns?: number;
  host: string;
  port: number;
  /** Extra Host header names accepted besides the loopback names and `host`. */
  allowedHosts?: readonly string[];
  /** When set, clients must send `Authorization: Bearer <clientKey>`. */
  clientKey?: string;
  /** Upstream requests in flight at most (all clients together). */
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  /** Sampling used when the client's request does not set it. */
  temperature: number;
  topP: number;
  maxTokens: number;
  /** JSONL decision log (one record per request); none when unset. */
  logPath?: string;
  /** Called with every record the log gets (e.g. to measure the overhead in-process). */
  onRecord?: (record: DecisionRecord) => void;
}

export interface QGuidedProxy {
  readonly baseUrl: string;
  readonly port: number;
  /** Requests answered so far, by outcome. */
  readonly counts: { decided: number; passedThrough: number; failed: number };
  close(): Promise<void>;
}

export const PROXY_DEFAULTS = {
  n: 5,
  style: 'auto' as PromptStyle,
  host: '127.0.0.1',
  port: 8100,
  concurrency: 8,
  timeoutMs: 60_000,
  maxRetries: 4,
  temperature: 1,
  topP: 1,
  maxTokens: 256,
};

const CHAT_PATH = '/chat/completions';
/** Sampling settings seen so far -> the policy that samples with them (bounded). */
const MAX_POLICIES = 64;

function bearerMatches(header: string | undefined, key: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** An upstream failure as the client sees it: 502 (or the upstream's 4xx) with one line. */
function upstreamError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof LlmError) {
    const status =
      err.status !== undefined && err.status >= 400 && err.status < 500 ? err.status : 502;
    return new HttpError(status, err.message, err.param ?? null, 'upstream_error');
  }
  return new HttpError(
    502,
    `upstream failed: ${redactSecrets((err as Error)?.message ?? String(err))}`,
    null,
    'upstream_error',
  );
}

export async function startQGuidedProxy(options: QGuidedProxyOptions): Promise<QGuidedProxy> {
  promptFor(options.env); // an unknown env fails here, before listening
  registerSecret(options.clientKey);
  const llm: LlmClient = createLlmClient({
    baseUrl: options.upstreamUrl,
    ...(options.upstreamApiKey ? { apiKey: options.upstreamApiKey } : {}),
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const file = options.logPath ? new DecisionLog(options.logPath) : undefined;
  const log = {
    append(record: DecisionRecord) {
      file?.append(record);
      options.onRecord?.(record);
    },
  };
  const counts = { decided: 0, passedThrough: 0, failed: 0 };
  const policies = new Map<string, OpenAIPolicy>();

  function policyFor(model: string, request: ChatRequest): OpenAIPolicy {
    const sampling: PolicyOptions = {
      env: options.env,
      baseUrl: llm.baseUrl,
      ...(options.upstreamApiKey ? { apiKey: options.upstreamApiKey } : {}),
      temperature: request.temperature ?? options.temperature,
      topP: request.top_p ?? options.topP,
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? options.maxTokens,
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    };
    const key = canonicalJson({
      model,
      t: sampling.temperature,
      p: sampling.topP,
      m: sampling.maxTokens,
    });
    let policy = policies.get(key);
    if (!policy) {
      if (policies.size >= MAX_POLICIES) policies.clear();
      policy = new OpenAIPolicy(model, sampling);
      policies.set(key, policy);
    }
    return policy;
  }

  async function passThrough(
    request: ChatRequest,
    res: ServerResponse,
    reason: string,
  ): Promise<void> {
    counts.passedThrough++;
    const body = { ...request, ...(options.upstreamModel ? { model: options.upstreamModel } : {}) };
    const answer: unknown = await limitedCall(llm, options.concurrency, CHAT_PATH, (client) =>
      client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParams),
    ).catch((err: unknown) => {
      throw upstreamError(err);
    });
    log.append({
      time: new Date().toISOString(),
      decision: 'passthrough',
      reason,
      model: request.model,
    });
    if (request.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for await (const chunk of answer as AsyncIterable<unknown>)
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    sendJson(res, 200, answer);
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const request = parseChatRequest(parseJsonBody(await readBody(req)));
    const skip = passThroughReason(request, req.headers);
    if (skip) return passThrough(request, res, skip);
    const messages = textMessages(request) ?? [];
    const mapped = messagesToContext(messages, {
      env: options.env,
      style: options.style,
      ...(options.iclTurns !== undefined ? { iclTurns: options.iclTurns } : {}),
    });
    if (!mapped.ok)
      return passThrough(request, res, `the conversation could not be read (${mapped.reason})`);

    const model = options.upstreamModel ?? request.model;
    const seed = request.seed ?? seedFrom(canonicalJson(request));
    const upstreamStarted = performance.now();
    const reply = await policyFor(model, request)
      .propose(messages, options.n, { seed })
      .catch((err: unknown) => {
        throw upstreamError(err);
      });
    const upstreamMs = performance.now() - upstreamStarted;
    if (reply.candidates.length === 0)
      throw new HttpError(502, 'the upstream returned no choices', null, 'upstream_error');
    // Ties are broken by a draw seeded from the request, so the same request gets the same answer.
    const decision = await decide(
      mapped.context,
      reply.candidates,
      options.qmodel,
      new Rng(seedFrom(seed, 'pick')),
    );
    const chosen: ScoredCandidate | undefined = decision.decided
      ? decision.candidates[decision.chosen]
      : undefined;
    const content = reply.candidates[chosen?.reply ?? 0] as string;
    const usage: CompletionUsage = {
      prompt_tokens: reply.usage.promptTokens,
      completion_tokens: reply.usage.completionTokens,
      total_tokens: reply.usage.promptTokens + reply.usage.completionTokens,
    };
    const extra = {
      decision: decision.decided ? ('qguided' as const) : ('passthrough' as const),
      ...(decision.decided ? {} : { reason: decision.reason }),
      style: mapped.style,
      qmodel: options.qmodel.name,
      n: options.n,
      chosen: decision.decided ? decision.chosen : null,
      candidates: decision.candidates,
    };
    if (decision.decided) counts.decided++;
    else counts.passedThrough++;
    const record: DecisionRecord = {
      time: new Date().toISOString(),
      model,
      task: mapped.context.task,
      depth: mapped.context.history.length,
      ...(mapped.context.history.length > 0
        ? { observation: (mapped.context.history.at(-1) as HistoryStep).observation }
        : {}),
      ...extra,
      usage,
      upstreamMs: Math.round(upstreamMs * 100) / 100,
      overheadMs: Math.round((performance.now() - started - upstreamMs) * 100) / 100,
    };
    log.append(record);
    const id = `chatcmpl-stepq-${seed.toString(16)}`;
    if (request.stream)
      return streamCompletion(res, {
        id,
        model,
        content,
        usage,
        extra,
        includeUsage: request.stream_options?.include_usage === true,
      });
    sendJson(res, 200, chatCompletionBody({ id, model, content, usage, extra }));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, options.host, options.allowedHosts))
      throw new HttpError(
        403,
        `forbidden Host header "${req.headers.host ?? ''}"`,
        null,
        'forbidden',
      );
    if (options.clientKey && !bearerMatches(req.headers.authorization, options.clientKey))
      throw new HttpError(
        401,
        'missing or wrong API key (send Authorization: Bearer <key>)',
        null,
        'invalid_api_key',
      );
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    if (path === '/v1/models' || path === '/v1/models/') {
      if (method !== 'GET') throw new HttpError(405, `use GET for ${path}`);
      const list: unknown = await limitedCall(llm, options.concurrency, '/models', (client) =>
        client.models.list().then((page) => ({ object: 'list', data: page.data })),
      ).catch((err: unknown) => {
        throw upstreamError(err);
      });
      sendJson(res, 200, list);
      return;
    }
    if (path === '/v1/chat/completions') {
      if (method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
      await chat(req, res);
      return;
    }
    throw new HttpError(
      404,
      `no route ${method} ${path} (this server has GET /v1/models and POST /v1/chat/completions)`,
    );
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      counts.failed++;
      sendError(res, err);
    });
  });
  const port = await listen(server, options.host, options.port);
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    baseUrl: `http://${shownHost}:${port}/v1`,
    port,
    counts,
    close: async () => {
      await closeServer(server);
      await file?.close();
    },
  };
}
