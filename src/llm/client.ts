/**
 * The OpenAI SDK client, configured from our options. Retries with exponential backoff
 * on 408/409/429/5xx, timeouts and connection errors are the SDK's own (it also honours
 * `Retry-After` / `retry-after-ms`); we only set how many and how long each attempt may take.
 * Replies the SDK accepts but we cannot use are retried by the caller (LlmReplyError).
 *
 * The base URL is parsed as a URL: its query string (e.g. `?api-version=...` or a key) is
 * sent with every request instead of being glued in front of the path, and credentials in
 * it become an Authorization header; both are registered as secrets (src/core/redact.ts).
 */
import OpenAI from 'openai';
import type { z } from 'zod';
import { redactSecrets, registerSecret } from '../core/redact.js';
import { OptionError } from '../core/settings.js';
import { formatPath } from '../core/validate.js';
import { LlmError, LlmReplyError, LlmUnavailableError, toLlmError } from './errors.js';
import { llmLimit } from './limiter.js';

export interface LlmClientOptions {
  baseUrl?: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
  /** Infrastructure failures in a row (auth, refused, DNS) after which the run stops; default 3. */
  maxInfraFailures?: number;
}

export interface LlmClient {
  client: OpenAI;
  /** Base URL without query, credentials or trailing slash, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** 1 + retries: how many times a failing request is tried. */
  attempts: number;
  /** Consecutive infrastructure failures, and the limit at which the run stops. */
  health: { infraFailures: number; limit: number; tripped?: LlmUnavailableError };
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MAX_INFRA_FAILURES = 3;

/** Local OpenAI-compatible servers (vLLM, llama.cpp, serve-policy) accept any key. */
const PLACEHOLDER_KEY = 'stepq-no-key';

/** Query parameters whose values are credentials (registered as secrets). */
const SECRET_PARAM = /key|token|secret|sig|auth|password/i;

export function createLlmClient(options: LlmClientOptions): LlmClient {
  const raw = options.baseUrl?.trim() || OPENAI_DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionError(
      'baseUrl',
      'is not a URL (expected e.g. http://127.0.0.1:8000/v1)',
      JSON.stringify(redactSecrets(raw)),
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionError(
      'baseUrl',
      'must start with http:// or https://',
      JSON.stringify(redactSecrets(raw)),
    );
  }
  registerSecret(options.apiKey);
  const defaultQuery: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    defaultQuery[name] = value;
    if (SECRET_PARAM.test(name)) registerSecret(value);
  }
  const defaultHeaders: Record<string, string> = {};
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (user || password) {
    registerSecret(password);
    registerSecret(user);
    // fetch refuses URLs with credentials; they become the Authorization header instead.
    if (!options.apiKey)
      defaultHeaders.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const baseUrl = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  const usesOpenAI = url.hostname === 'api.openai.com';
  if (!options.apiKey && usesOpenAI) {
    throw new OptionError(
      'baseUrl',
      'api.openai.com needs an API key (set OPENAI_API_KEY), or point {{baseUrl}} at a local OpenAI-compatible server',
    );
  }
  const client = new OpenAI({
    baseURL: baseUrl,
    apiKey: options.apiKey || PLACEHOLDER_KEY,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    ...(Object.keys(defaultQuery).length ? { defaultQuery } : {}),
    ...(Object.keys(defaultHeaders).length ? { defaultHeaders } : {}),
  });
  return {
    client,
    baseUrl,
    attempts: options.maxRetries + 1,
    health: { infraFailures: 0, limit: options.maxInfraFailures ?? DEFAULT_MAX_INFRA_FAILURES },
  };
}

/**
 * Runs one SDK call (e.g. `(c, signal) => c.completions.create(..., { signal })`) under the
 * process-wide LLM limit and turns any failure into an LlmError naming `${baseUrl}${path}`.
 * A caller's own abort is rethrown as its reason. Every LLM backend sends its requests
 * through here.
 *
 * The SDK adds an abort listener to the signal it is given and keeps it; the run-wide signal
 * is therefore never handed to it: each call gets its own signal, linked to the caller's for
 * the duration of the call only. After `health.limit` infrastructure failures in a row every
 * call fails at once with LlmUnavailableError, which stops the run.
 */
export async function limitedCall<T>(
  llm: LlmClient,
  concurrency: number,
  path: string,
  call: (client: OpenAI, signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (llm.health.tripped) throw llm.health.tripped;
  const local = new AbortController();
  const onAbort = () => local.abort(signal?.reason);
  if (signal?.aborted) throw signal.reason;
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await llmLimit(concurrency)(() => call(llm.client, local.signal));
    llm.health.infraFailures = 0;
    return result;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const error = toLlmError(err, `${llm.baseUrl}${path}`, llm.attempts);
    if (error instanceof LlmError && error.kind === 'infrastructure') {
      llm.health.infraFailures++;
      if (llm.health.infraFailures >= llm.health.limit) {
        llm.health.tripped ??= new LlmUnavailableError(error, llm.health.infraFailures);
        throw llm.health.tripped;
      }
    } else if (error instanceof LlmError) llm.health.infraFailures = 0;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Checks a response body against the shape we rely on; a mismatch is an LlmReplyError naming the field. */
export function validateResponse<T extends z.ZodType>(
  raw: unknown,
  schema: T,
  endpoint: string,
): z.output<T> {
  if (typeof raw === 'string') {
    // The SDK hands back non-JSON bodies (e.g. an HTML error page from a proxy) as text.
    throw new LlmReplyError(
      endpoint,
      `response is not JSON: "${raw.slice(0, 80).replace(/\s+/g, ' ')}"`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what = issue ? `field ${formatPath(issue.path)}: ${issue.message}` : 'unexpected shape';
    throw new LlmReplyError(endpoint, `malformed response body (${what})`);
  }
  return parsed.data;
}
