/**
 * A Lucene/Anserini `DefaultEnglishAnalyzer` equivalent (what WebShop's Pyserini index
 * uses): UAX#29 word tokens (StandardTokenizer), English possessive removal, lower-case,
 * Lucene's 33 English stop words, and the original Porter stemmer.
 *
 * Tokenisation: pure-ASCII text goes through a small scanner implementing the ASCII subset
 * of the UAX#29 word rules (fast, and what nearly all product text is); other text goes
 * through `Intl.Segmenter` (ICU's UAX#29). Only segments holding a letter or a digit become
 * tokens. Known deviations from Lucene: emoji, CJK and other scripts follow ICU, not
 * Lucene's per-ideograph tokens; a run of underscores alone is dropped.
 */
import { porterStem } from './porter.js';

export const LUCENE_ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

const MAX_TOKEN_LENGTH = 255;

// ASCII word-break classes: 0 other, 1 letter, 2 digit, 3 underscore (ExtendNumLet), 4 MidLetter/MidNumLet/MidNum.
const CLASS = new Uint8Array(128);
for (let c = 65; c <= 90; c++) CLASS[c] = 1;
for (let c = 97; c <= 122; c++) CLASS[c] = 1;
for (let c = 48; c <= 57; c++) CLASS[c] = 2;
CLASS[95] = 3;
for (const ch of ":.',;") CLASS[ch.charCodeAt(0)] = 4;

/** Whether a middle character joins `prev` and `next` (UAX#29 WB6/7 and WB11/12, ASCII only). */
function joins(mid: number, prev: number, next: number): boolean {
  const p = prev < 128 ? CLASS[prev] : 0;
  const n = next < 128 ? CLASS[next] : 0;
  if (p === 1 && n === 1) return mid === 58 || mid === 46 || mid === 39; // letter [:.'] letter
  if (p === 2 && n === 2) return mid === 44 || mid === 59 || mid === 46 || mid === 39; // digit [,;.'] digit
  return false;
}

function asciiWords(text: string, out: string[]): void {
  const n = text.length;
  let start = -1;
  let hasAlnum = false;
  const close = (end: number) => {
    if (start >= 0 && hasAlnum) out.push(text.slice(start, end));
    start = -1;
    hasAlnum = false;
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const cls = CLASS[c] as number;
    if (cls === 1 || cls === 2 || cls === 3) {
      if (start < 0) start = i;
      if (cls !== 3) hasAlnum = true;
    } else if (
      cls === 4 &&
      start >= 0 &&
      i + 1 < n &&
      joins(c, text.charCodeAt(i - 1), text.charCodeAt(i + 1))
    ) {
      // stays inside the token
    } else {
      close(i);
    }
  }
  close(n);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
const HAS_ALNUM = /[\p{L}\p{N}]/u;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** UAX#29 word tokens of `text`, as Lucene's StandardTokenizer would emit them (see the deviations above). */
export function wordTokens(text: string): string[] {
  const words: string[] = [];
  if (!NON_ASCII.test(text)) asciiWords(text, words);
  else
    for (const s of segmenter.segment(text))
      if (s.isWordLike && HAS_ALNUM.test(s.segment)) words.push(s.segment);
  const out: string[] = [];
  for (const w of words) {
    if (w.length <= MAX_TOKEN_LENGTH) out.push(w);
    else
      for (let i = 0; i < w.length; i += MAX_TOKEN_LENGTH)
        out.push(w.slice(i, i + MAX_TOKEN_LENGTH));
  }
  return out;
}

/** Lucene's EnglishPossessiveFilter: drops a trailing 's / ’s / ＇s (either case of s). */
export function stripPossessive(token: string): string {
  const n = token.length;
  if (n >= 2) {
    const last = token[n - 1];
    const apos = token[n - 2];
    if ((last === 's' || last === 'S') && (apos === "'" || apos === '\u2019' || apos === '\uff07'))
      return token.slice(0, n - 2);
  }
  return token;
}

const stemCache = new Map<string, string>();

function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = porterStem(word);
    if (stemCache.size > 1_000_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Terms of `text` after tokenisation, possessive filter, lower-casing, stop words and Porter stemming. */
export function analyzeEnglish(text: string): string[] {
  const out: string[] = [];
  for (const token of wordTokens(text)) {
    const lower = stripPossessive(token).toLowerCase();
    if (!lower || LUCENE_ENGLISH_STOP_WORDS.has(lower)) continue;
    out.push(stem(lower));
  }
  return out;
}
