/**
 * Text helpers of the HotPotQA heuristic: names (capitalised spans), content words,
 * years, numbers and sentences, all from plain text the agent was shown.
 */

/** Lower-case words that may sit inside a name (`University of Kansas`, `Guns N' Roses`). */
const NAME_JOINERS = new Set([
  'of',
  'the',
  'and',
  'for',
  'de',
  'la',
  'le',
  'du',
  'da',
  'del',
  'von',
  'van',
  'der',
  'y',
  'on',
  'in',
  'to',
  'at',
  'a',
  'an',
  '&',
  "n'",
  'n',
  'et',
]);
/** Joiners at which a long span is also split (`Kansas City in Missouri` -> both parts). */
const SPLIT_JOINERS = new Set(['and', 'in', 'on', 'to', 'at', 'for', '&']);

/** Capitalised articles, which may open a title (`The Velvet Frontier`). */
const ARTICLES = new Set(['The', 'A', 'An']);

/** Capitalised words that start sentences or questions rather than names. */
const NOT_NAMES = new Set(
  (
    'a an the he she it they we i you his her its their our this that these those there here who whom whose what which when where why how ' +
    'is are was were be been do does did has have had can could will would should may might must shall ' +
    'in on at by for from of to with after before during since until while as if but and or nor so yet also both either neither ' +
    'not no yes one some many most more other another each every all any such than then thus however although though because ' +
    'observation thought action question search lookup finish result similar could born died located based known ' +
    'founded established according despite'
  ).split(' '),
);

export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const STOPWORDS = new Set(
  (
    'a an the of in on at by for from to with and or but is are was were be been being do does did has have had ' +
    'what which who whom whose when where why how that this these those it its he she they his her their him them ' +
    'as than then also both either same one two first name named called known there here into onto about after before ' +
    'during over under between out up down off not no yes did can could would should will may might many much more most ' +
    'other another such some any all each every own so very just only well still even ever'
  ).split(' '),
);

export function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

const NON_ASCII = /[^\p{ASCII}]/u;

/** Lower-case word tokens (letters and digits, inner apostrophes and hyphens kept). */
export function words(text: string): string[] {
  const lower = text.toLowerCase();
  // ASCII text (most of it) takes the plain pattern, which matches the same words faster.
  const found = !NON_ASCII.test(lower)
    ? lower.match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g)
    : lower.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu);
  return found ?? [];
}

/** A crude stem so `founded`/`founder`, `England`/`English` meet: the first 5 letters. */
export function stem(word: string): string {
  return word.length > 5 ? word.slice(0, 5) : word;
}

/** Content words of a text in order (no stopwords, no one-letter words). */
export function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word.toLowerCase());
}

/** Content-word stems of a text (no stopwords, no one-letter words). */
export function contentStems(text: string): Set<string> {
  return new Set(contentWords(text).map(stem));
}

/** A period that ends an initial or a title (`Roger O. Egeberg`, `Ken St. Andre`), not a sentence. */
const ABBREVIATION = String.raw`(?<!\b(?:\p{Lu}|St|Jr|Sr|Dr|Mr|Mrs|Ms|Mt|No|Vol|vs|Co|Inc|Ltd))`;
const SENTENCE_BREAK = new RegExp(`(?<=[!?]|${ABBREVIATION}\\.)\\s+(?=["'“(\\p{Lu}\\p{N}])`, 'u');
const CLAUSE_BREAK = new RegExp(`[;:!?()[\\]]|,\\s|${ABBREVIATION}\\.\\s|\\s[-–—]\\s`, 'u');

/** Sentences of an observation (split after . ! ? before a capital, digit or quote). */
export function sentences(text: string): string[] {
  return collapse(text)
    .split(SENTENCE_BREAK)
    .map((s) => s.trim())
    .filter(Boolean);
}

function isCapitalised(token: string): boolean {
  return /^["'“(]?[\p{Lu}\p{N}]/u.test(token);
}

function cleanToken(token: string): string {
  const bare = token.replace(/^["'“(]+/, '').replace(/[,;:!?"”)]+$/, '');
  // Keep the period of an initial or title (`R.`, `St.`), drop a sentence's.
  const kept = /^(?:(?:\p{Lu}\.)+|Jr\.|Sr\.|St\.|Dr\.|Mr\.|Mrs\.|Ms\.|Mt\.)$/u.test(bare)
    ? bare
    : bare.replace(/\.+$/, '');
  return kept.replace(/'s$/, '');
}

function trimSpan(tokens: string[]): string[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && NAME_JOINERS.has(tokens[start] ?? '')) start++;
  while (end > start && NAME_JOINERS.has((tokens[end - 1] ?? '').toLowerCase())) end--;
  return tokens.slice(start, end);
}

/**
 * Names in a text: maximal runs of capitalised words (joined by lower-case name words),
 * plus the parts of a run split at weak joiners. A span ends at punctuation that ends a
 * phrase. Sentence-initial function words are dropped.
 */
export function capitalisedSpans(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (tokens: string[]) => {
    const trimmed = trimSpan(tokens);
    if (trimmed.length === 0) return;
    const span = trimmed.join(' ');
    if (span.length < 2 || seen.has(span)) return;
    if (trimmed.every((t) => NOT_NAMES.has(t.toLowerCase()) || NAME_JOINERS.has(t.toLowerCase())))
      return;
    // A name has a word that starts with a capital letter (`2014 S/S` yes, `1988 to 1996` no).
    if (!trimmed.some((t) => /^\p{Lu}/u.test(t))) return;
    seen.add(span);
    out.push(span);
    // `The Velvet Frontier` may be titled with or without its article.
    if (trimmed.length > 1 && ARTICLES.has(trimmed[0] ?? '')) add(trimmed.slice(1));
  };
  const flush = (run: string[]) => {
    if (run.length === 0) return;
    add(run);
    let part: string[] = [];
    for (const t of run) {
      if (SPLIT_JOINERS.has(t)) {
        if (part.length > 0 && part.length < run.length) add(part);
        part = [];
      } else part.push(t);
    }
    if (part.length > 0 && part.length < run.length) add(part);
  };
  for (const clause of text.split(CLAUSE_BREAK)) {
    let run: string[] = [];
    let pendingJoiners: string[] = [];
    for (const raw of clause.split(/\s+/)) {
      if (!raw) continue;
      const token = cleanToken(raw);
      if (!token) continue;
      const endsPhrase =
        /[,.;:!?"”)]$/.test(raw) &&
        !/^(?:\p{Lu}\.)+$/u.test(raw) &&
        !/^(?:Jr|Sr|St|Dr|Mr|Mrs|Ms|Mt)\.$/.test(raw);
      const startsName =
        run.length > 0 || !NOT_NAMES.has(token.toLowerCase()) || ARTICLES.has(token);
      if (isCapitalised(token) && startsName) {
        run.push(...pendingJoiners, token);
        pendingJoiners = [];
      } else if (
        run.length > 0 &&
        NAME_JOINERS.has(token.toLowerCase()) &&
        pendingJoiners.length < 2
      ) {
        pendingJoiners.push(token);
      } else {
        flush(run);
        run = [];
        pendingJoiners = [];
      }
      if (endsPhrase) {
        flush(run);
        run = [];
        pendingJoiners = [];
      }
    }
    flush(run);
  }
  return out;
}

/** Texts in double quotes (titles in questions, e.g. "Big Stone Gap"). */
export function quotedSpans(text: string): string[] {
  return [...text.matchAll(/["“]([^"“”]{2,80})["”]/g)]
    .map((m) => collapse(m[1] ?? ''))
    .filter(Boolean);
}

export function years(text: string): string[] {
  return [...text.matchAll(/\b(1[0-9]{3}|20[0-9]{2})\b/g)].map((m) => m[1] as string);
}

/** Dates written out (`12 March 1990`, `March 12, 1990`, `March 1990`). */
export function dates(text: string): string[] {
  const month = `(?:${MONTHS.map((m) => m[0]?.toUpperCase() + m.slice(1)).join('|')})`;
  const re = new RegExp(
    `\\b(?:\\d{1,2} ${month} \\d{4}|${month} \\d{1,2}, \\d{4}|${month} \\d{4})\\b`,
    'g',
  );
  return [...text.matchAll(re)].map((m) => m[0]);
}

/** Counts and amounts (`3,677`, `12`, `1.5 million`); years excluded. */
export function numbers(text: string): string[] {
  return [
    ...text.matchAll(
      /\b\d{1,3}(?:,\d{3})+(?:\.\d+)?(?: (?:million|billion))?\b|\b\d+(?:\.\d+)?(?: (?:million|billion))?\b/g,
    ),
  ]
    .map((m) => m[0])
    .filter((n) => !/^(1[0-9]{3}|20[0-9]{2})$/.test(n));
}

/** Dates and numbers (`August 12`, `March 1990`, `1990`), which are not pages to search. */
export function isDateLike(span: string): boolean {
  const first = span.split(' ')[0]?.toLowerCase() ?? '';
  return MONTHS.includes(first) || /^[\d\s,.–-]+$/.test(span);
}

/** Nationality-like words (`American`, `South Korean`, `Bangladeshi-British`): descriptions, rarely pages. */
export function looksLikeDemonym(span: string): boolean {
  return /^(?:(?:North|South|East|West|Central)\s)?(?:\p{Lu}\p{Ll}+-)?\p{Lu}\p{Ll}+(?:an|ese|ish|ic|i|ch)$/u.test(
    span,
  );
}

/** How plausible a span is as a page to search: demonyms and year-led spans (`2014 American`) are weak. */
export function searchability(span: string): number {
  if (looksLikeDemonym(span)) return 0.25;
  if (/^\d{4}\s/.test(span) && !/^\d{4}\s+\p{Lu}\S*\s\p{Lu}/u.test(span)) return 0.3;
  return 1;
}

/** A title without its leading article, for comparing names (`The X` vs `X`). */
export function withoutArticle(title: string): string {
  return title.replace(/^(?:the|a|an)\s+/i, '');
}

/** Whether a span looks like a person's name (2-4 capitalised words, no digits, no place words). */
export function looksLikePerson(span: string): boolean {
  const tokens = span.split(' ');
  if (tokens.length < 2 || tokens.length > 4) return false;
  if (/\d/.test(span)) return false;
  if (tokens.some((t) => MONTHS.includes(t.toLowerCase()))) return false;
  return tokens.every((t) => /^[\p{Lu}]/u.test(t) || /^(?:de|van|von|da|der|del|la|le)$/.test(t));
}

/** A text's words between single spaces, for `mentionedByKey` (a haystack read once, tested often). */
export function wordKey(text: string): string {
  return ` ${words(text).join(' ')} `;
}

/** `mentions` against a haystack already turned into its wordKey. */
export function mentionedByKey(haystackKey: string, needle: string): boolean {
  const n = words(needle).join(' ');
  return n !== '' && haystackKey.includes(` ${n} `);
}

/** Case-insensitive containment of one text in another, on word boundaries. */
export function mentions(haystack: string, needle: string): boolean {
  return mentionedByKey(wordKey(haystack), needle);
}
