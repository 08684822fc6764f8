/**
 * Summing a reply's token log-probabilities out of a completions response that echoed the
 * prompt. Two response shapes are read:
 *  - OpenAI legacy / vLLM `echo: true, logprobs: k`: `logprobs.{tokens, token_logprobs, text_offset}`;
 *  - vLLM `prompt_logprobs`: a list (one per prompt token, first null) of
 *    `{tokenId: {logprob, decoded_token}}`, read with `prompt_token_ids` when present.
 *
 * Token positions come from the decoded token strings. Servers may put tokens that are not
 * in our text in front (vLLM reports the BOS as `<s>` and counts it in `text_offset`), so
 * positions are re-based on where our text starts in the concatenated tokens.
 *
 * Span rule: a token counts iff it STARTS at or after the span boundary (and inside the
 * text, so generated tokens are ignored). A token straddling the boundary (starting before
 * it, ending after) does not count: that is what training does, where the labels are the
 * tokens after the prompt's own token count, and a token merged across the boundary
 * belongs to the prompt's last position.
 */

export interface TokenLogprob {
  token: string;
  logprob: number | null;
}

export class ResponseShapeError extends Error {}

interface LegacyLogprobs {
  tokens?: string[] | null;
  token_logprobs?: Array<number | null> | null;
  text_offset?: number[] | null;
}

type PromptLogprobEntry = Record<
  string,
  { logprob: number; decoded_token?: string | null; rank?: number | null }
> | null;

interface ChoiceLike {
  logprobs?: LegacyLogprobs | null;
  prompt_logprobs?: PromptLogprobEntry[] | null;
  prompt_token_ids?: number[] | null;
}

/** Token strings, log-probs and (if given) offsets of one choice, in either response shape. */
export function readChoiceTokens(choice: ChoiceLike): {
  tokens: TokenLogprob[];
  offsets: number[] | null;
} {
  const lp = choice.logprobs;
  if (lp?.tokens && lp.token_logprobs) {
    if (lp.tokens.length !== lp.token_logprobs.length)
      throw new ResponseShapeError('logprobs.tokens and logprobs.token_logprobs differ in length');
    return {
      tokens: lp.tokens.map((token, i) => ({ token, logprob: lp.token_logprobs?.[i] ?? null })),
      offsets: lp.text_offset && lp.text_offset.length === lp.tokens.length ? lp.text_offset : null,
    };
  }
  if (choice.prompt_logprobs) {
    const ids = choice.prompt_token_ids;
    const tokens = choice.prompt_logprobs.map((entry, i): TokenLogprob => {
      if (entry === null) return { token: '', logprob: null };
      const id = ids?.[i];
      let hit = id !== undefined ? entry[String(id)] : undefined;
      if (!hit) {
        const values = Object.values(entry);
        if (values.length !== 1)
          throw new ResponseShapeError(
            `prompt_logprobs[${i}] lists ${values.length} tokens and the response has no prompt_token_ids to tell which was the prompt's`,
          );
        hit = values[0];
      }
      if (!hit || hit.decoded_token === undefined || hit.decoded_token === null)
        throw new ResponseShapeError(`prompt_logprobs[${i}] has no decoded_token`);
      return { token: hit.decoded_token, logprob: hit.logprob };
    });
    return { tokens, offsets: null };
  }
  throw new ResponseShapeError(
    'the response has no prompt log-probabilities (expected logprobs.tokens with echo, or prompt_logprobs)',
  );
}

/**
 * Sum of log-probs of the tokens that start in [spanStart, text.length).
 * Returns the sum and how many tokens were counted.
 */
export function spanLogprob(
  text: string,
  spanStart: number,
  tokens: readonly TokenLogprob[],
  offsets: readonly number[] | null,
): { sum: number; count: number } {
  const starts: number[] = [];
  let acc = 0;
  for (const t of tokens) {
    starts.push(acc);
    acc += t.token.length;
  }
  const joined = tokens.map((t) => t.token).join('');
  // Where our text begins in the server's token stream (0 unless it prepended e.g. a BOS string).
  const shift = joined.indexOf(text);
  const reported = offsets ?? starts;
  let base: number;
  if (shift >= 0) base = (reported[0] ?? 0) + (shift - (starts[0] ?? 0));
  else if (offsets)
    base = reported[0] ?? 0; // decoded strings do not reproduce the text: trust the server's offsets
  else
    throw new ResponseShapeError(
      'the echoed tokens do not reproduce the prompt text, so the reply span cannot be located',
    );
  let sum = 0;
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
    const start = (reported[i] as number) - base;
    if (start < spanStart || start >= text.length) continue;
    const lp = (tokens[i] as TokenLogprob).logprob;
    if (lp === null || !Number.isFinite(lp))
      throw new ResponseShapeError(
        `token ${i} (${JSON.stringify((tokens[i] as TokenLogprob).token)}) inside the reply span has no log-probability`,
      );
    sum += lp;
    count++;
  }
  return { sum, count };
}
