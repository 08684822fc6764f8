/**
 * The OpenAI SDK client, configured from our options. Retries with exponential backoff
 * on 408/409/429/5xx, timeouts and connection errors are the SDK's own (it also honours
 * `Retry-After` / `retry-after-ms`); we only set how many and how long each attempt may take.
 */
import OpenAI from 'openai';
import type { z } from 'zod';
import { UserError } from '../core/errors.js';
import { formatPath } from '../core/validate.js';
import { LlmError, toLlmError } from './errors.js';
import { llmLimit } from './limiter.js';

export interface LlmClientOptions {
  baseUrl?: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
}

export interface LlmClient {
  client: OpenAI;
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** 1 + retries: how many times a failing request is tried. */
  attempts: number;
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Local OpenAI-compatible servers (vLLM, llama.cpp, serve-policy) accept any key. */
const PLACEHOLDER_KEY = 'stepq-no-key';

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const baseUrl = (options.baseUrl?.trim() || OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UserError(
      `--base-url "${baseUrl}" is not a URL (expected e.g. http://127.0.0.1:8000/v1)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`--base-url "${baseUrl}" must start with http:// or https://`);
  }
  const usesOpenAI = url.hostname === 'api.openai.com';
  if (!options.apiKey && usesOpenAI) {
    throw new UserError(
      'no API key for api.openai.com: set OPENAI_API_KEY, or point --base-url at a local OpenAI-compatible server',
    );
  }
  const client = new OpenAI({
    baseURL: baseUrl,
    apiKey: options.apiKey || PLACEHOLDER_KEY,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  return { client, baseUrl, attempts: options.maxRetries + 1 };
}

/**
 * Runs one SDK call (e.g. `c => c.completions.create(...)`) under the process-wide
 * LLM limit and turns any failure into an LlmError naming `${baseUrl}${path}`. A caller's
 * own abort is rethrown as its reason. Every LLM backend sends its requests through here.
 */
export async function limitedCall<T>(
  llm: LlmClient,
  concurrency: number,
  path: string,
  call: (client: OpenAI) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await llmLimit(concurrency)(() => call(llm.client));
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw toLlmError(err, `${llm.baseUrl}${path}`, llm.attempts);
  }
}

/** Checks a response body against the shape we rely on; a mismatch is an LlmError naming the field. */
export function validateResponse<T extends z.ZodType>(
  raw: unknown,
  schema: T,
  endpoint: string,
): z.output<T> {
  if (typeof raw === 'string') {
    // The SDK hands back non-JSON bodies (e.g. an HTML error page from a proxy) as text.
    throw new LlmError(
      endpoint,
      `response is not JSON: "${raw.slice(0, 80).replace(/\s+/g, ' ')}"`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what = issue ? `field ${formatPath(issue.path)}: ${issue.message}` : 'unexpected shape';
    throw new LlmError(endpoint, `malformed response body (${what})`);
  }
  return parsed.data;
}
