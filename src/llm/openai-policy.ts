/**
 * The agent policy over any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp,
 * `stepq serve-policy`). One request asks for all n candidates; endpoints that reject `n`,
 * or answer every try of a request with one choice, get n single requests with seeds seed,
 * seed+1, ... instead (remembered per endpoint and model). Every reply is validated: a body
 * that is not JSON, has the wrong shape or fewer choices than asked is retried (the same
 * request, so the answer is the one a clean reply would have been), never cached, and an
 * LlmReplyError once the tries are spent. Every HTTP request passes the process-wide limiter.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import type { PolicyOptions } from '../agent/policy-factory.js';
import type { Message } from '../core/messages.js';
import {
  addUsage,
  emptyUsage,
  type Policy,
  type PolicyReply,
  type ProposeOptions,
  type Usage,
} from '../core/policy.js';
import { cacheKey, ResponseCache } from './cache.js';
import { createLlmClient, limitedCall, validateResponse, type LlmClient } from './client.js';
import { LlmError, LlmReplyError } from './errors.js';
import { llmLimit } from './limiter.js';
import { POLICY_STOP, truncateAtStop } from './stop.js';

/** Counters of one policy instance, for run reports. */
export interface LlmStats {
  /** Logical HTTP requests that returned a reply (SDK retries inside one are not counted). */
  requests: number;
  cacheHits: number;
  cacheMisses: number;
}

const chatResponseSchema = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().nonnegative().optional(),
      message: z.object({ content: z.string().nullable().optional() }),
    }),
  ),
  usage: z
    .object({
      prompt_tokens: z.number().nonnegative().optional(),
      completion_tokens: z.number().nonnegative().optional(),
    })
    .nullable()
    .optional(),
});

interface ChatRequest {
  model: string;
  messages: Message[];
  n: number;
  temperature: number;
  top_p: number;
  max_tokens: number;
  stop: string[];
  seed: number;
}

const CHAT_PATH = '/chat/completions';

/** Endpoints (base URL + model) known to ignore or reject `n`, shared by all instances. */
const noNSupport = new Set<string>();

/** A 400 whose message or param names `n`, e.g. "n must be 1" or "Only n=1 is supported". */
function rejectsN(err: unknown): boolean {
  if (!(err instanceof LlmError) || err.status !== 400) return false;
  return err.param === 'n' || /(^|[^A-Za-z0-9_])n([^A-Za-z0-9_]|$)/.test(err.detail);
}

export class OpenAIPolicy implements Policy {
  readonly name: string;
  readonly stats: LlmStats = { requests: 0, cacheHits: 0, cacheMisses: 0 };
  private readonly llm: LlmClient;
  private readonly cache: ResponseCache | undefined;
  private readonly endpoint: string;

  constructor(
    private readonly model: string,
    private readonly options: PolicyOptions,
  ) {
    this.name = `openai:${model}`;
    this.llm = createLlmClient(options);
    this.endpoint = `${this.llm.baseUrl}${CHAT_PATH}`;
    this.cache = options.cacheDir ? new ResponseCache(options.cacheDir) : undefined;
    llmLimit(options.concurrency); // validates and configures the shared limit up front
  }

  async propose(
    messages: readonly Message[],
    n: number,
    options: ProposeOptions,
  ): Promise<PolicyReply> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`propose needs n >= 1, got ${n}`);
    const request: ChatRequest = {
      model: this.model,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      n,
      temperature: this.options.temperature,
      top_p: this.options.topP,
      max_tokens: this.options.maxTokens,
      stop: [...POLICY_STOP],
      seed: options.seed,
    };
    // The endpoint is part of the key: the same request to another server is another answer.
    const cachedRequest = { ...request, baseURL: this.llm.baseUrl };
    const key = this.cache ? cacheKey(cachedRequest) : '';
    const hit = this.cache?.get(key);
    // A cached reply short of n candidates (written by an older stepq) is not replayed.
    if (hit && hit.candidates.length === n) {
      this.stats.cacheHits++;
      return { candidates: hit.candidates, usage: emptyUsage() };
    }
    const reply = await this.fetchCandidates(request, options.signal);
    if (this.cache) {
      this.stats.cacheMisses++;
      this.cache.put(key, cachedRequest, reply);
    }
    return reply;
  }

  private async fetchCandidates(
    request: ChatRequest,
    signal: AbortSignal | undefined,
  ): Promise<PolicyReply> {
    const n = request.n;
    const nKey = `${this.llm.baseUrl}|${this.model}`;
    const usage = emptyUsage();
    let candidates: string[] = [];
    if (n > 1 && !noNSupport.has(nKey)) {
      try {
        const first = await this.request(request, signal, n);
        addUsage(usage, first.usage);
        return { candidates: first.texts.slice(0, n), usage };
      } catch (err) {
        if (err instanceof ShortReplies && err.allSingle) {
          // Every try answered one choice: the endpoint ignores n. Keep the first answer as
          // candidate 0 (seed + 0) and ask for the others one by one from now on.
          addUsage(usage, err.usage);
          candidates = [err.firstText];
        } else if (err instanceof ShortReplies) throw err.error;
        else if (!rejectsN(err)) throw err;
      }
      noNSupport.add(nKey);
    }
    // Single requests for the candidates still missing; candidate i always uses seed + i.
    const singles = await Promise.all(
      Array.from({ length: n - candidates.length }, (_, j) => {
        const i = candidates.length + j;
        return this.request({ ...request, n: 1, seed: request.seed + i }, signal, 1);
      }),
    );
    for (const single of singles) {
      addUsage(usage, single.usage);
      candidates.push(...single.texts.slice(0, 1));
    }
    return { candidates, usage };
  }

  /**
   * One logical request: HTTP (with the SDK's own retries) under the shared limiter, then
   * validation; a faulty reply (not JSON, wrong shape, fewer than `want` choices) is asked
   * again, up to `attempts` tries with a short backoff.
   */
  private async request(
    body: ChatRequest,
    signal: AbortSignal | undefined,
    want: number,
  ): Promise<{ texts: string[]; usage: Usage }> {
    // Usage counts the reply used, as for the SDK's own retries (a logical request is one call).
    let firstUsage: Usage = emptyUsage();
    let short = 0;
    let allSingle = true;
    let firstText = '';
    let lastError: LlmReplyError | undefined;
    for (let attempt = 0; attempt < this.llm.attempts; attempt++) {
      if (attempt > 0) await backoff(attempt, this.options.retryBaseMs, signal);
      let reply: { texts: string[]; usage: Usage };
      try {
        reply = await this.requestOnce(body, signal);
      } catch (err) {
        if (!(err instanceof LlmReplyError)) throw err;
        lastError = err;
        allSingle = false;
        continue;
      }
      if (reply.texts.length >= want) {
        this.stats.requests++;
        return reply;
      }
      short++;
      if (reply.texts.length !== 1) allSingle = false;
      else if (short === 1) {
        firstText = reply.texts[0] as string;
        firstUsage = reply.usage;
      }
      lastError = new LlmReplyError(
        this.endpoint,
        `asked for ${want} choice(s), got ${reply.texts.length}`,
      );
    }
    const error = lastError ?? new LlmReplyError(this.endpoint, 'no usable reply');
    const detail = new LlmReplyError(
      this.endpoint,
      `${error.detail} (after ${this.llm.attempts} attempt(s))`,
    );
    if (short > 0 && want > 1)
      throw new ShortReplies(
        detail,
        firstUsage,
        allSingle && short === this.llm.attempts,
        firstText,
      );
    throw detail;
  }

  /** One HTTP request (with the SDK's retries) under the shared limiter, validated. */
  private async requestOnce(
    body: ChatRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ texts: string[]; usage: Usage }> {
    const raw: unknown = await limitedCall(
      this.llm,
      this.options.concurrency,
      CHAT_PATH,
      (client, callSignal) =>
        client.chat.completions.create(body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, {
          signal: callSignal,
        }),
      signal,
    );
    const data = validateResponse(raw, chatResponseSchema, this.endpoint);
    const choices = [...data.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const texts = choices.map((c) => truncateAtStop(c.message.content ?? '', body.stop));
    const u = data.usage;
    return {
      texts,
      usage: {
        calls: 1,
        promptTokens: u?.prompt_tokens ?? 0,
        completionTokens: u?.completion_tokens ?? 0,
      },
    };
  }
}

/** Every try of a request came back with too few choices (usage: the first one-choice reply's). */
class ShortReplies extends Error {
  constructor(
    readonly error: LlmReplyError,
    readonly usage: Usage,
    /** Each try answered exactly one choice to an n > 1 request: the endpoint ignores n. */
    readonly allSingle: boolean,
    readonly firstText: string,
  ) {
    super(error.message);
  }
}

/** Waits retryBase x 2^(attempt-1) ms (default base 250 ms), or less if the run is aborted. */
function backoff(attempt: number, baseMs = 250, signal?: AbortSignal): Promise<void> {
  const ms = Math.min(8000, baseMs * 2 ** (attempt - 1));
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function createOpenAIPolicy(model: string, options: PolicyOptions): Policy {
  return new OpenAIPolicy(model, options);
}
