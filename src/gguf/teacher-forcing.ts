/**
 * Teacher-forced token log-probabilities from llama.cpp through node-llama-cpp, and the
 * reply span's first token in a jointly tokenised text.
 *
 * log p(t_{i+1} | t_<=i) = logit(t_{i+1}) − maxLogit − ln Σ_v exp(logit_v − maxLogit): one
 * controlledEvaluate call asks, at each position, for the logit of the true next token plus
 * the top-1 logit (`includeTop: 1`; `includeMax` is ignored by 3.22.1) and the total logit
 * weight. No sampling options are passed: they would truncate the distribution.
 */
import type { ControlledInput, LlamaModelLike, Token } from './llama-api.js';
import type { SharedSequence } from './sequence.js';

/**
 * Log-probs of tokens[from..] given everything before them (from >= 1). Reuses the cached
 * prefix of the sequence; call inside `shared.exclusive`.
 */
export async function teacherForcedLogprobs(
  shared: SharedSequence,
  tokens: readonly Token[],
  from: number,
): Promise<number[]> {
  if (from < 1 || from >= tokens.length)
    throw new RangeError(`scored tokens must start in [1, ${tokens.length}), got ${from}`);
  // The token before the first scored one must be (re-)evaluated: its logits predict it.
  const start = await shared.alignTo(tokens, from - 1);
  const input: ControlledInput[] = [];
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (i >= from - 1 && i < tokens.length - 1) {
      const next = tokens[i + 1] as Token;
      input.push([
        token,
        {
          generateNext: {
            logits: { filter: { tokens: [next], includeTop: 1 } },
            totalLogitWeight: true,
          },
        },
      ]);
    } else input.push(token);
  }
  const outputs = await shared.sequence.controlledEvaluate(input);
  const logprobs: number[] = [];
  for (let i = from - 1; i < tokens.length - 1; i++) {
    const out = outputs[i - start]?.next;
    const next = tokens[i + 1] as Token;
    const logit = out?.logits?.get(next);
    if (!out?.logits || logit === undefined || out.totalLogitWeight === undefined)
      throw new Error(`node-llama-cpp returned no logits for position ${i}`);
    let max = -Infinity;
    for (const v of out.logits.values()) if (v > max) max = v;
    logprobs.push(logit - max - Math.log(out.totalLogitWeight));
  }
  return logprobs;
}

/**
 * Index of the first token of the scored span in `tokens` (the tokenisation of `text`, maybe
 * after a BOS). Same rule as token-span.ts for HTTP servers: a token counts iff it starts at
 * or after the span's first character. Positions come from detokenising prefixes, since
 * single tokens may be partial UTF-8 bytes; the span is located from the end of the text,
 * because SentencePiece tokenizers may insert a space after special tokens earlier on.
 */
export function spanStartToken(
  model: LlamaModelLike,
  tokens: readonly Token[],
  text: string,
  spanStart: number,
): number {
  const full = model.detokenize(tokens, true);
  const suffix = text.slice(spanStart);
  if (!full.endsWith(suffix))
    throw new Error(
      'the detokenised text does not end with the scored reply, so the reply span cannot be located',
    );
  const boundary = full.length - suffix.length;
  // Smallest k whose prefix tokens[0..k) already covers the boundary: token k starts at or after it.
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.detokenize(tokens.slice(0, mid), true).length >= boundary) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
