/**
 * Text helpers for the featuriser: word tokens, a small English stop list, and the
 * generic "did that fail?" test on an observation. Nothing here knows any env.
 */

const STOP_WORDS = new Set(
  (
    'a an the of to in on at for and or but is are was were be been being it its this that these those ' +
    'i you he she we they me my your our their his her them what which who whom how when where why ' +
    'with as by from into about than then so if not no do does did can could should would will ' +
    'there here some any all just also very s t'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased word tokens, in order, at most `max`. */
export function words(text: string, max = Infinity): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) {
    out.push(m[0]);
    if (out.length >= max) break;
  }
  return out;
}

/** Content words: tokens minus stop words, de-duplicated in first-seen order. */
export function contentWords(text: string, max = Infinity): string[] {
  const seen = new Set<string>();
  for (const w of words(text)) {
    if (STOP_WORDS.has(w) || seen.has(w)) continue;
    seen.add(w);
    if (seen.size >= max) break;
  }
  return [...seen];
}

/**
 * Whether an observation reads like a failed or useless step, judged from generic
 * phrasing that text environments use ("Invalid action", "Could not find", "No results").
 */
const FAILURE =
  /\b(invalid|could not|couldn't|cannot|can't|not found|no results?|no more results|nothing|error|failed|unknown|not available|does not exist)\b/i;

export function looksLikeFailure(observation: string): boolean {
  return FAILURE.test(observation.slice(0, 300));
}

/** Bucket of a count: 0, 1, 2, 3-4, 5-8, 9-16, ... (log2 bins) so lengths generalise. */
export function countBucket(n: number): number {
  if (n <= 2) return n;
  return 1 + Math.ceil(Math.log2(n));
}

/** Splits a command `verb[arg]` into its lower-cased verb and its argument. */
export function splitCommand(action: string): { verb: string; arg: string } {
  const open = action.indexOf('[');
  if (open < 0) return { verb: action.trim().toLowerCase(), arg: '' };
  const close = action.lastIndexOf(']');
  return {
    verb: action.slice(0, open).trim().toLowerCase(),
    arg: action.slice(open + 1, close > open ? close : action.length).trim(),
  };
}
