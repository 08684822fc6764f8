/**
 * Teacher-forced token log-probabilities from llama.cpp through node-llama-cpp (where the
 * scored span starts is the token rule's business: qmodel/token-span.ts).
 *
 * log p(t_{i+1} | t_<=i) = logit(t_{i+1}) − maxLogit − ln Σ_v exp(logit_v − maxLogit): one
 * controlledEvaluate call asks, at each position, for the logit of the true next token plus
 * the top-1 logit (`includeTop: 1`; `includeMax` is ignored by 3.22.1) and the total logit
 * weight. No sampling options are passed: they would truncate the distribution.
 */
import type { ControlledInput, Token } from './llama-api.js';
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
