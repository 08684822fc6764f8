/**
 * The agent policy over any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp,
 * `stepq serve-policy`). One request asks for all n candidates; endpoints that ignore or
 * reject `n` get n single requests with seeds seed, seed+1, ... instead (remembered per
 * endpoint and model). Every HTTP request passes the process-wide LLM limiter.
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
import { LlmError } from './errors.js';
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
    if (hit) {
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
        const first = await this.request(request, signal);
        addUsage(usage, first.usage);
        candidates = first.texts;
      } catch (err) {
        if (!rejectsN(err)) throw err;
      }
      if (candidates.length >= n) return { candidates: candidates.slice(0, n), usage };
      noNSupport.add(nKey);
    }
    // Single requests for the candidates still missing; candidate i always uses seed + i.
    const singles = await Promise.all(
      Array.from({ length: n - candidates.length }, (_, j) => {
        const i = candidates.length + j;
        return this.request({ ...request, n: 1, seed: request.seed + i }, signal);
      }),
    );
    for (const single of singles) {
      addUsage(usage, single.usage);
      candidates.push(...single.texts.slice(0, 1));
    }
    return { candidates, usage };
  }

  /** One HTTP request (with the SDK's retries) under the shared limiter, validated. */
  private async request(
    body: ChatRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ texts: string[]; usage: Usage }> {
    const raw: unknown = await limitedCall(
      this.llm,
      this.options.concurrency,
      CHAT_PATH,
      (client) =>
        client.chat.completions.create(
          body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
          signal ? { signal } : undefined,
        ),
      signal,
    );
    const data = validateResponse(raw, chatResponseSchema, this.endpoint);
    this.stats.requests++;
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

export function createOpenAIPolicy(model: string, options: PolicyOptions): Policy {
  return new OpenAIPolicy(model, options);
}
