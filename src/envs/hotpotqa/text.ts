import { pythonStrRepr } from '../../text/python-repr.js';
/** Text helpers of the HotPotQA env: title keys, the retrieval analyzer, sentences, Python reprs. */

/** Lowercase, accents removed (NFKD + combining marks dropped). */
function fold(s: string): string {
  const lower = s.toLowerCase();
  // Most text is ASCII: skip the (slow) decomposition there.
  // eslint-disable-next-line no-control-regex -- the ASCII range, on purpose
  return /[^\x00-\x7f]/.test(lower) ? lower.normalize('NFKD').replace(/\p{M}/gu, '') : lower;
}

/**
 * The key two titles must share for `Search[x]` to count as an exact hit: case, accents,
 * punctuation and spacing are ignored, so `search[ed wood]` finds `Ed Wood` and
 * `Beyoncé` matches `Beyonce`.
 */
export function titleKey(s: string): string {
  return fold(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// A short English stop list (the common function words); content words all count.
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by for from had has have he her his i in into is it its of on or ' +
    'she so than that the their them then there these they this to was were which who whom will with'
  ).split(' '),
);

/** Retrieval analyzer for the similar-titles ranking: folded word tokens minus stop words. */
export function analyze(text: string): string[] {
  return (fold(text).match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => !STOP_WORDS.has(t));
}

const ABBREVIATIONS = new Set(
  'mr mrs ms dr st jr sr prof gen col lt sgt capt rev hon mt ft no vol vs etc inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k'.split(
    ' ',
  ),
);

/**
 * Splits a paragraph into sentences: at `.`, `!` or `?` (optionally followed by a closing
 * quote or bracket) plus whitespace plus a capital, digit or opening quote, except after
 * a known abbreviation or a single-letter initial (`J. R. R. Tolkien`, `Mr. Smith`).
 */
export function splitSentences(paragraph: string): string[] {
  const text = paragraph.replace(/\s+/g, ' ').trim();
  if (!text) return [];
  const out: string[] = [];
  let start = 0;
  const boundary = /([.!?])["'”’)\]]*\s+(?=["'“‘([]?[\p{Lu}\p{N}])/gu;
  for (const m of text.matchAll(boundary)) {
    const end = (m.index ?? 0) + m[0].trimEnd().length;
    if (m[1] === '.') {
      const before = text.slice(start, m.index).split(' ').pop() ?? '';
      const word = before.toLowerCase().replace(/^[("'“‘]+/, '');
      if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word))
        continue;
    }
    out.push(text.slice(start, end).trim());
    start = (m.index ?? 0) + m[0].length;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/** Python's `repr()` of a list of str, e.g. `['Ed Wood', "Ed Wood's films"]`. */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonStrRepr).join(', ')}]`;
}
