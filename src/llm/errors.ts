/**
 * Failures of an LLM endpoint, as one readable line: status, endpoint and what was wrong.
 * SDK errors (with their long stacks and nested causes) are translated here and never
 * leak to callers. LlmError is a UserError so the CLI prints it without a stack trace:
 * the usual fixes (start the server, fix --base-url or the model name, set the key,
 * raise --timeout/--retries) are the user's to make.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { FatalRunError, UserError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';

/**
 * What kind of failure, for the caller's decision:
 * - `infrastructure`: the endpoint cannot be used at all (401/403, connection refused, DNS);
 *   after a few in a row the run stops (LlmUnavailableError), as every request would fail.
 * - `reply`: the server answered 200 with a faulty body (not JSON, wrong shape, fewer
 *   choices than asked); retried by the policy, never cached.
 * - `request`: anything else the server refused or gave up on after its retries
 *   (4xx, 5xx or 429 after retries, timeouts): this request failed, the run goes on.
 */
export type LlmFailureKind = 'infrastructure' | 'reply' | 'request';

/** Connection-level causes that mean nothing is there to answer (not a passing overload). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export class LlmError extends UserError {
  /** HTTP status when the server answered, else undefined (timeout, refused, malformed). */
  readonly status: number | undefined;
  readonly endpoint: string;
  /** What was wrong, without the endpoint and status (e.g. the server's error message). */
  readonly detail: string;
  /** The request field the server blamed, when it said (OpenAI-style `error.param`). */
  readonly param: string | undefined;
  readonly kind: LlmFailureKind;

  constructor(
    endpoint: string,
    detail: string,
    status?: number,
    param?: string,
    kind: LlmFailureKind = status === 401 || status === 403 ? 'infrastructure' : 'request',
  ) {
    // Servers echo headers and URLs back; nothing secret goes into a message (src/core/redact.ts).
    const safeEndpoint = redactSecrets(endpoint);
    const safeDetail = redactSecrets(detail);
    super(
      `LLM request to ${safeEndpoint} failed${status === undefined ? '' : ` (HTTP ${status})`}: ${safeDetail}`,
    );
    this.name = 'LlmError';
    this.status = status;
    this.endpoint = safeEndpoint;
    this.detail = safeDetail;
    this.param = param;
    this.kind = kind;
  }
}

/** A 200 reply whose body cannot be used (not JSON, wrong shape, too few choices): retried. */
export class LlmReplyError extends LlmError {
  constructor(endpoint: string, detail: string) {
    super(endpoint, detail, undefined, undefined, 'reply');
    this.name = 'LlmReplyError';
  }
}

/**
 * The endpoint failed K times in a row for a reason no retry fixes (wrong key, nothing
 * listening, unknown host): the run stops here with one line instead of trying every task.
 */
export class LlmUnavailableError extends FatalRunError {
  constructor(
    readonly last: LlmError,
    readonly failures: number,
  ) {
    super(
      `stopping: ${failures} LLM requests in a row could not be served (${last.message}); fix the endpoint or key and re-run to resume`,
    );
    this.name = 'LlmUnavailableError';
  }
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** The innermost cause's code (e.g. ECONNREFUSED) or message (e.g. `bad port`). */
function rootCause(err: unknown): string {
  let current = err;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current as { cause?: unknown } | undefined)?.cause;
    if (!next) break;
    current = next;
  }
  if (current === err) return '';
  const code = (current as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return current instanceof Error ? oneLine(current.message, 80) : '';
}

/** The server's own error message (OpenAI-style `{error: {message}}`), without the SDK's status prefix. */
function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message) return body.message;
  return err.message.replace(/^\d{3}\s*/, '') || 'no message';
}

/** Translates whatever the SDK threw into an LlmError; `attempts` is 1 + the retries allowed. */
export function toLlmError(err: unknown, endpoint: string, attempts: number): Error {
  if (err instanceof LlmError) return err;
  if (err instanceof APIUserAbortError) return err;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (err instanceof APIConnectionTimeoutError)
    return new LlmError(endpoint, `timed out${tries} (raise the request timeout or the retries)`);
  if (err instanceof APIConnectionError) {
    const reason = rootCause(err);
    return new LlmError(
      endpoint,
      `could not connect${tries}${reason ? ` (${reason})` : ''}: is the server running and the base URL right?`,
      undefined,
      undefined,
      UNREACHABLE.has(reason) ? 'infrastructure' : 'request',
    );
  }
  if (err instanceof APIError) {
    const retried = err.status === 429 || (err.status ?? 0) >= 500 ? tries : '';
    return new LlmError(
      endpoint,
      `${oneLine(serverMessage(err as APIError))}${retried}`,
      err.status as number | undefined,
      err.param ?? undefined,
    );
  }
  if (err instanceof SyntaxError)
    return new LlmReplyError(
      endpoint,
      `response body is not valid JSON (${oneLine(err.message, 120)})`,
    );
  return new LlmError(endpoint, oneLine(err instanceof Error ? err.message : String(err)));
}
