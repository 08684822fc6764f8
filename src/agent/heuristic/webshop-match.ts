/**
 * How the WebShop heuristic relates an instruction to what the shop shows: the request's
 * content words (Porter stems, as the shop's search uses), the price limit, and which
 * option values the request names. Generic over catalogues: nothing here knows how a
 * particular catalogue words its titles.
 */
import { analyzeEnglish, LUCENE_ENGLISH_STOP_WORDS } from '../../text/analyzer.js';
import { isJsWhitespace } from '../../text/whitespace.js';

export interface Request {
  /** The instruction without its price clause, lower case. */
  text: string;
  /** Most the customer wants to pay; Infinity when not stated. */
  priceLimit: number;
  /** Content words in order (no request fillers or option names), for building queries. */
  words: string[];
  /** Stems of the content words, for matching titles. */
  stems: Set<string>;
  /** Every word of `text` (option values are matched against these). */
  textWords: Set<string>;
}

const PRICE_CLAUSE =
  /,?\s*and\s+price\s+(?:lower|less)\s+than\s+\$?([\d,]*\.?\d+)\s*dollars?\.?\s*$/i;

/** Words of a request that say nothing about the product. */
const FILLERS = new Set(
  (
    "i i'm im iam am looking look need needs want wanted find me please get buy help would like some something " +
    'pick one can you show shopping shop also should could item product it its that which has have having my order ' +
    'searching search choose select go make sure get'
  ).split(' '),
);

/** Words that name an option rather than the product ("size", "color"). */
const OPTION_WORDS = new Set([
  'size',
  'color',
  'colour',
  'colored',
  'count',
  'pack',
  'style',
  'flavor',
  'flavour',
  'scent',
]);

function rawWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:['.-][a-z0-9]+)*/g) ?? [];
}

export function readRequest(instruction: string): Request {
  const m = PRICE_CLAUSE.exec(instruction);
  const text = (m ? instruction.slice(0, m.index) : instruction)
    .toLowerCase()
    .replace(/\.\s*$/, '')
    .trim();
  const priceLimit = m ? Number((m[1] ?? '').replace(/,/g, '')) : Number.POSITIVE_INFINITY;
  const words = rawWords(text).filter(
    (w) => !FILLERS.has(w) && !LUCENE_ENGLISH_STOP_WORDS.has(w) && !OPTION_WORDS.has(w),
  );
  const stems = new Set(analyzeEnglish(words.join(' ')));
  return { text, priceLimit, words, stems, textWords: new Set(rawWords(text)) };
}

/** Share of the request's content stems that a title contains (0..1). */
export function titleMatch(request: Request, title: string): number {
  if (request.stems.size === 0) return 0;
  const have = new Set(analyzeEnglish(title));
  let hits = 0;
  for (const s of request.stems) if (have.has(s)) hits++;
  return hits / request.stems.size;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const BEFORE_PHRASE = new Set([...',;:(/"\'']);
const AFTER_PHRASE = new Set([...',;:)/!?"\'']);

/**
 * Whether `phrase` occurs in `text` as a phrase: after the start, whitespace or one of
 * `,;:(/"'`, and before the end, whitespace, one of `,;:)/!?"'` or a sentence's period.
 * (The pattern `(^|[\s,;:(/"'])phrase($|[\s,;:)/!?"']|\.(\s|$))`, scanned without compiling
 * one per value.)
 */
function hasPhrase(text: string, phrase: string): boolean {
  for (let i = text.indexOf(phrase); i >= 0; i = text.indexOf(phrase, i + 1)) {
    const before = i === 0 ? -1 : text.charCodeAt(i - 1);
    if (before >= 0 && !isJsWhitespace(before) && !BEFORE_PHRASE.has(text[i - 1] as string))
      continue;
    const end = i + phrase.length;
    if (end === text.length) return true;
    const after = text.charCodeAt(end);
    if (isJsWhitespace(after) || AFTER_PHRASE.has(text[end] as string)) return true;
    if (text[end] === '.' && (end + 1 === text.length || isJsWhitespace(text.charCodeAt(end + 1))))
      return true;
  }
  return false;
}

/**
 * How clearly the request names an option value: 1 when the value appears as a phrase,
 * else the share of its words the request contains (multi-word values only), else 0.
 */
export function optionMention(request: Request, value: string): number {
  const v = value.toLowerCase().trim();
  if (!v) return 0;
  if (hasPhrase(request.text, v)) return 1;
  const parts = rawWords(v).filter((w) => !LUCENE_ENGLISH_STOP_WORDS.has(w));
  if (parts.length < 2) return 0;
  return parts.filter((w) => request.textWords.has(w)).length / parts.length;
}

/** Whether the request talks about an option group by its name ("... in size 9", "color: red"). */
export function asksForOption(request: Request, groupName: string): boolean {
  const name = groupName.toLowerCase().trim();
  if (!name) return false;
  return new RegExp(`(^|[^a-z])${escapeRegExp(name)}($|[^a-z])`).test(request.text);
}
