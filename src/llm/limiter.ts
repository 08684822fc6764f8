/**
 * One process-wide limit on LLM requests in flight. Every backend that talks to an
 * LLM (the OpenAI policy, an LLM Q-value scorer, ...) wraps each HTTP request in
 * `llmLimit(options.concurrency)`, so `--llm-concurrency` bounds them all together.
 */
import pLimit, { type LimitFunction } from 'p-limit';

const limits = new Map<string, LimitFunction>();

/**
 * The shared limiter for `key` (default: all LLM traffic). Asking with another
 * concurrency re-sets the limit for every user of the key: the last configured value wins.
 * Wrap single requests only, never a function that itself waits for the limiter (deadlock).
 */
export function llmLimit(concurrency: number, key = 'llm'): LimitFunction {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`LLM concurrency must be a whole number >= 1, got ${concurrency}`);
  let limit = limits.get(key);
  if (!limit) {
    limit = pLimit(concurrency);
    limits.set(key, limit);
  } else if (limit.concurrency !== concurrency) {
    limit.concurrency = concurrency;
  }
  return limit;
}
