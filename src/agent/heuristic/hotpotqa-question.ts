/**
 * A rough reading of a HotPotQA question: its form (yes/no, a choice between two named
 * things, or open), what kind of span answers it, the names worth searching and the
 * words worth looking up. Purely from the question text.
 */
import {
  capitalisedSpans,
  collapse,
  contentStems,
  contentWords,
  isStopword,
  mentions,
  quotedSpans,
  searchability,
  words,
} from './hotpotqa-text.js';

export type QuestionForm = 'yesno' | 'choice' | 'open';
export type AnswerType = 'year' | 'date' | 'number' | 'person' | 'place' | 'thing';
export type Direction = 'min' | 'max' | undefined;

export interface QuestionInfo {
  text: string;
  form: QuestionForm;
  /** The two things compared (choice and many yes/no questions), as written in the question. */
  options: string[];
  answerType: AnswerType;
  /** For choices about time or size: pick the smaller (older, first) or larger value. */
  direction: Direction;
  /** Yes/no questions asking whether two things are the same in some respect. */
  asksSame: boolean;
  /** Names worth searching, most salient first. */
  entities: string[];
  /** Prior weight of each entity as a search target (parallel to entities). */
  entityWeights: number[];
  /** Content-word stems of the question minus the option names (the asked property). */
  propertyStems: Set<string>;
  stems: Set<string>;
  /** Words worth a Lookup (relation verbs and content words). */
  lookupWords: string[];
  /** Runs of content words (`science fantasy young adult series`), searched when no name fits. */
  phrases: string[];
}

/** Maximal runs of 2-4 consecutive content words of the question. */
function contentPhrases(text: string): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 2) out.push(run.slice(0, 4).join(' '));
    run = [];
  };
  for (const token of text.split(/\s+/)) {
    const w = words(token)[0];
    if (
      w &&
      w.length > 2 &&
      !isStopword(w) &&
      !/^[\p{Lu}\p{N}]/u.test(token) &&
      !/[,.;:!?]$/.test(token)
    )
      run.push(w);
    else {
      if (w && w.length > 2 && !isStopword(w) && !/^[\p{Lu}\p{N}]/u.test(token)) run.push(w);
      flush();
    }
  }
  flush();
  return out;
}

const YESNO_START = /^(?:are|is|was|were|do|does|did|can|could|has|have|had|will|would)\b/i;
const PERSON_NOUNS =
  /\b(?:who|whom|whose|which (?:person|man|woman|actor|actress|writer|author|director|singer|musician|player|artist|composer|poet|producer|politician|president|king|queen)|what (?:person|actor|actress|writer|author|director|singer|musician|player))\b/i;
const PLACE_NOUNS =
  /\b(?:where|(?:what|which|in what|in which)(?: [\w-]+){0,2} (?:city|town|country|state|county|region|island|province|village|borough|neighborhood|neighbourhood|continent|location))\b/i;
const LOOKUP_VERBS = [
  'born',
  'died',
  'founded',
  'established',
  'formed',
  'released',
  'directed',
  'written',
  'published',
  'located',
  'population',
  'elected',
  'married',
  'opened',
  'built',
  'created',
  'starring',
  'played',
  'headquartered',
  'award',
];

function answerTypeOf(q: string): AnswerType {
  const lower = q.toLowerCase();
  if (/\b(?:what|which|in what|in which) year\b|\byear (?:did|was|were)\b/.test(lower))
    return 'year';
  if (/\bhow (?:many|much|long|old|tall|high)\b|\bpopulation\b|\bcapacity\b|\bseat\b/.test(lower))
    return 'number';
  if (/\bwhen\b|\bwhat date\b|\bwhat years\b|\btimeframe\b/.test(lower)) return 'date';
  if (PLACE_NOUNS.test(lower)) return 'place';
  if (PERSON_NOUNS.test(lower)) return 'person';
  return 'thing';
}

function directionOf(q: string): Direction {
  const lower = q.toLowerCase();
  if (/\b(?:older|oldest|earlier|earliest|first|before|longer ago)\b/.test(lower)) return 'min';
  if (/\b(?:younger|youngest|later|latest|more recent|most recent|newer|last|after)\b/.test(lower))
    return 'max';
  if (/\b(?:more|most|higher|highest|larger|largest|bigger|greater|longer|taller)\b/.test(lower))
    return 'max';
  if (/\b(?:fewer|less|least|lower|smaller|smallest|shorter)\b/.test(lower)) return 'min';
  return undefined;
}

/** `..., A or B?` / `Which is older, A or B` / `A or B, which ...`. */
function choiceOptions(q: string): string[] {
  const text = q.replace(/\s*\?+\s*$/, '');
  const m =
    /,\s*(?:the\s+)?([^,]+?)\s+or\s+(?:the\s+)?([^,]+?)\s*(?:,|$)/i.exec(text) ??
    /^(?:which|who|what)\b[^,]*?\bbetween\s+(?:the\s+)?(.+?)\s+(?:and|or)\s+(?:the\s+)?(.+)$/i.exec(
      text,
    ) ??
    /^(?:the\s+)?(.+?)\s+or\s+(?:the\s+)?(.+?),/i.exec(text);
  if (!m) return [];
  const options = [collapse(m[1] ?? ''), collapse(m[2] ?? '')];
  // Both must read like names (`Annie Morton`, `"Evolution"`, `2014 S/S`), not clauses.
  return options.every((s) => /^["“'(]?[\p{Lu}\p{N}]/u.test(s) && s.split(' ').length <= 8)
    ? options
    : [];
}

/** Two names joined by `and`/`or` in the question, e.g. `Are Local H and For Against ...`. */
function pairedNames(q: string, names: readonly string[]): string[] {
  for (const a of names) {
    for (const b of names) {
      if (a === b) continue;
      if (
        new RegExp(`${escape(a)}[\\s,"'”]+(?:and|or)\\s+(?:the\\s+)?["“']?${escape(b)}`, 'i').test(
          q,
        )
      )
        return [a, b];
    }
  }
  return [];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function analyzeQuestion(question: string): QuestionInfo {
  const text = collapse(question);
  const quoted = quotedSpans(text);
  const spans = capitalisedSpans(text).filter((s) => !quoted.includes(s));
  const names = [...quoted, ...spans];
  const yesno = YESNO_START.test(text);
  let options = yesno ? pairedNames(text, names) : choiceOptions(text);
  if (!yesno && options.length === 0 && /\bor\b/i.test(text)) options = pairedNames(text, names);
  const form: QuestionForm = yesno ? 'yesno' : options.length === 2 ? 'choice' : 'open';
  // Options first, then quoted titles, then longer names (more specific) before shorter ones.
  const entities: string[] = [];
  const push = (s: string) => {
    const clean = collapse(s.replace(/^["“']|["”']$/g, ''));
    if (clean && !entities.some((e) => e.toLowerCase() === clean.toLowerCase()))
      entities.push(clean);
  };
  options.forEach(push);
  quoted.forEach(push);
  [...spans].sort((a, b) => b.split(' ').length - a.split(' ').length).forEach(push);
  const stems = contentStems(text);
  const propertyStems = new Set(stems);
  for (const o of options) for (const s of contentStems(o)) propertyStems.delete(s);
  const lower = words(text);
  const lookupWords = [
    ...LOOKUP_VERBS.filter((v) => lower.some((w) => w.startsWith(v.slice(0, 5)))),
    ...contentWords(text).filter(
      (w) =>
        w.length > 4 &&
        !/^(?:which|where|whose|there|their|other)$/.test(w) &&
        !entities.some((e) => mentions(e, w)),
    ),
  ];
  return {
    text,
    form,
    options,
    answerType: answerTypeOf(text),
    direction: directionOf(text),
    asksSame: /\b(?:same|common|similar)\b/i.test(text),
    entities,
    entityWeights: entities.map((e, i) => searchability(e) / (1 + i)),
    propertyStems,
    stems,
    lookupWords: [...new Set(lookupWords)],
    phrases: contentPhrases(text),
  };
}
