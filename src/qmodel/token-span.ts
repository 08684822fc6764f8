/**
 * The token rule of docs/llm-qmodel-contract.md §2, shared by the HTTP (`llm:`) and the
 * in-process (`gguf:`) scorers and mirrored by the training recipe: where the scored
 * completion starts, by token ids (never from decoded token strings, which servers produce
 * one token at a time and which lose or mangle partial UTF-8 characters), and the training
 * truncation (prompt cut from the left, BOS kept, completion never cut).
 */
import type { SpanRule } from './llm-manifest.js';

export interface TokenSettings {
  addBos: boolean;
  bosId: number | null;
  appendEos: boolean;
  eosId: number | null;
  /** truncation.maxLength; undefined: no limit. */
  maxLength?: number;
}

/** Tokens that do not line up (a token merged across the prompt/completion boundary). */
export class TokenAlignmentError extends Error {}

/** The ids to evaluate and where the completion starts in them, or why it cannot be scored. */
export type CompletionSpan =
  | { ok: true; ids: number[]; spanStart: number; droppedPromptTokens: number }
  | { ok: false; reason: string };

/**
 * From ids(prompt) and ids(prompt + completion), both without special tokens added:
 * C = F[len(P):] (+ EOS), truncated to maxLength by dropping prompt tokens from the left.
 * Throws TokenAlignmentError when F does not start with P; returns ok: false when the
 * completion does not fit with at least one prompt token.
 */
export function completionSpan(
  promptIds: readonly number[],
  fullIds: readonly number[],
  settings: TokenSettings,
): CompletionSpan {
  const n = promptIds.length;
  let aligned = fullIds.length > n;
  for (let i = 0; aligned && i < n; i++) if (fullIds[i] !== promptIds[i]) aligned = false;
  if (!aligned) {
    let at = 0;
    while (at < n && fullIds[at] === promptIds[at]) at++;
    throw new TokenAlignmentError(
      fullIds.length <= n
        ? `the completion adds no token to the prompt's ${n} tokens`
        : `the tokens of prompt + completion do not start with the prompt's tokens (they differ at token ${at} of ${n}: a token merged across the prompt/completion boundary)`,
    );
  }
  const completion = fullIds.slice(n);
  if (settings.appendEos) completion.push(settings.eosId as number);
  const bos = settings.addBos ? [settings.bosId as number] : [];
  let prompt = promptIds.slice();
  let dropped = 0;
  const limit = settings.maxLength;
  if (limit !== undefined && bos.length + prompt.length + completion.length > limit) {
    const keep = limit - bos.length - completion.length;
    if (keep < 1)
      return {
        ok: false,
        reason: `its ${completion.length} completion tokens do not fit the limit of ${limit} tokens with at least one prompt token`,
      };
    dropped = prompt.length - keep;
    prompt = prompt.slice(dropped);
  }
  const ids = [...bos, ...prompt, ...completion];
  return { ok: true, ids, spanStart: ids.length - completion.length, droppedPromptTokens: dropped };
}

/**
 * The summed (or mean) log-prob of ids[spanStart..] out of per-position log-probs, where
 * logprobs[i] = log p(ids[i] | ids[<i]). Throws when one is missing or not finite.
 */
export function spanLogprob(
  logprobs: ReadonlyArray<number | null | undefined>,
  spanStart: number,
  length: number,
): number {
  let sum = 0;
  for (let i = spanStart; i < length; i++) {
    const lp = logprobs[i];
    if (typeof lp !== 'number' || !Number.isFinite(lp))
      throw new ResponseShapeError(`position ${i} of the completion span has no log-probability`);
    sum += lp;
  }
  return sum;
}

/** beta * (policy - reference), summed or divided by the span length. */
export function implicitQ(
  beta: number,
  span: SpanRule,
  policy: number,
  reference: number,
  spanLength: number,
): number {
  const diff = policy - reference;
  return beta * (span === 'mean' ? diff / spanLength : diff);
}

/** A server response that cannot be read as per-token log-probs of what was sent. */
export class ResponseShapeError extends Error {}
