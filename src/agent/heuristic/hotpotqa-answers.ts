/**
 * Answer candidates with weights, from what the agent has read so far. Open questions
 * take spans of the asked type from read sentences (closer to the question's words ->
 * heavier); choices and yes/no questions weigh their options by the facts read about each
 * option. The weights are a sampling distribution, not a verdict: a wrong answer keeps
 * some mass, as a fallible reader's would.
 */
import type { EpisodeView, PageRead } from './hotpotqa-read.js';
import { mentionedIn, sentenceFacts } from './hotpotqa-facts.js';
import { readSentences } from './hotpotqa-read.js';
import type { QuestionInfo } from './hotpotqa-question.js';
import {
  capitalisedSpans,
  contentStems,
  dates,
  looksLikeDemonym,
  looksLikePerson,
  mentions,
  numbers,
  quotedSpans,
  stem,
  words,
  years,
} from './hotpotqa-text.js';

export interface WeightedAnswer {
  answer: string;
  weight: number;
}

function add(into: Map<string, WeightedAnswer>, answer: string, weight: number): void {
  const key = words(answer).join(' ');
  if (!key || !(weight > 0)) return;
  const prev = into.get(key);
  if (prev) prev.weight += weight;
  else into.set(key, { answer, weight });
}

const PLACE_BEFORE = /\b(?:in|at|from|near|of|to)\s*$/i;

/** Spans of a sentence that fit the asked type, each with a type-fit factor. */
function typedSpans(
  sentence: string,
  names: readonly string[],
  info: QuestionInfo,
): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const spans = [...quotedSpans(sentence), ...names];
  switch (info.answerType) {
    case 'year':
      for (const y of years(sentence)) out.push([y, 1]);
      break;
    case 'date':
      for (const d of dates(sentence)) out.push([d, 1]);
      for (const y of years(sentence)) out.push([y, 0.8]);
      break;
    case 'number':
      for (const n of numbers(sentence)) out.push([n, 1]);
      break;
    case 'person':
      for (const s of spans) out.push([s, looksLikePerson(s) ? 1 : 0.15]);
      break;
    case 'place':
      for (const s of spans) {
        const at = sentence.indexOf(s);
        const placeLike = at > 0 && PLACE_BEFORE.test(sentence.slice(0, at));
        out.push([s, placeLike ? 1 : 0.2]);
      }
      break;
    default: {
      // Nationality words answer only questions about nationality.
      const asksNationality = /\bnational|\bcitizen|\bethnic/i.test(info.text);
      for (const s of spans)
        out.push([s, /^\d/.test(s) ? 0.3 : looksLikeDemonym(s) && !asksNationality ? 0.2 : 1]);
      for (const y of years(sentence)) out.push([y, 0.1]);
    }
  }
  return out;
}

/** Whether one of the question's words comes just before the span (`born in X`, `founded in X`). */
function nearQuestionWord(sentence: string, span: string, info: QuestionInfo): boolean {
  const at = sentence.indexOf(span);
  if (at < 0) return false;
  const before = words(sentence.slice(0, at)).slice(-3);
  return before.some((w) => info.stems.has(stem(w)));
}

function openAnswers(info: QuestionInfo, view: EpisodeView): WeightedAnswer[] {
  const found = new Map<string, WeightedAnswer>();
  const latest = view.pages[view.pages.length - 1];
  for (const { sentence, page } of readSentences(view)) {
    const facts = sentenceFacts(view, sentence);
    const sentenceStems = facts.stems;
    for (const [span, fit] of typedSpans(sentence, facts.spans, info)) {
      const spanStems = contentStems(span);
      let overlap = 0;
      for (const s of info.stems) if (sentenceStems.has(s) && !spanStems.has(s)) overlap++;
      let w = fit * (0.3 + overlap) * (nearQuestionWord(sentence, span, info) ? 2 : 1);
      if (mentionedIn(view, info.text, span)) w *= 0.05; // the answer is rarely already in the question
      if (mentionedIn(view, page.title, span) || mentions(span, page.title)) w *= 0.5;
      if (page === latest) w *= 1.5;
      add(found, span, w);
    }
  }
  // A page reached through the question (not named in it) may itself be the answer:
  // "which film ..." / "who ..." questions often ask for the bridge entity.
  if (info.answerType === 'person' || info.answerType === 'thing') {
    for (const page of view.pages) {
      const title = page.title.replace(/\s*\([^)]*\)$/, '');
      if (mentions(info.text, title) || view.pages.length < 2) continue;
      if (info.answerType === 'person' && !looksLikePerson(title)) continue;
      const pageStems = contentStems(pageText(page));
      let overlap = 0;
      for (const s of info.stems) if (pageStems.has(s) && !contentStems(title).has(s)) overlap++;
      add(found, title, 0.3 * overlap);
    }
  }
  return [...found.values()];
}

/** The page read about an option (searched under a title that names it), if any. */
function pageOf(option: string, view: EpisodeView): PageRead | undefined {
  return view.pages.find((p) => mentions(p.title, option) || mentions(option, p.title));
}

function pageText(page: PageRead): string {
  return page.sentences.join(' ');
}

/** A value for ordering options: the first year on the page (time questions) or first number. */
function orderingValue(page: PageRead, info: QuestionInfo): number | undefined {
  const text = pageText(page);
  const timeLike =
    /\b(?:older|younger|earlier|first|later|recent|newer|born|founded|established|released|formed|built|opened|came out|premiered|published|appeared|started|began)\b/i.test(
      info.text,
    );
  const raw = timeLike ? years(text)[0] : numbers(text)[0];
  return raw === undefined ? undefined : Number(raw.replace(/,/g, ''));
}

function propertyScore(page: PageRead, info: QuestionInfo): number {
  const stems = contentStems(pageText(page));
  let n = 0;
  for (const s of info.propertyStems) if (stems.has(s)) n++;
  return n;
}

function choiceAnswers(info: QuestionInfo, view: EpisodeView): WeightedAnswer[] {
  const [a, b] = info.options as [string, string];
  const pa = pageOf(a, view);
  const pb = pageOf(b, view);
  let wa = 1;
  let wb = 1;
  if (pa && pb) {
    const va = info.direction ? orderingValue(pa, info) : undefined;
    const vb = info.direction ? orderingValue(pb, info) : undefined;
    if (va !== undefined && vb !== undefined && va !== vb) {
      const aWins = info.direction === 'min' ? va < vb : va > vb;
      [wa, wb] = aWins ? [4, 1] : [1, 4];
    } else {
      const sa = propertyScore(pa, info);
      const sb = propertyScore(pb, info);
      if (sa !== sb) [wa, wb] = sa > sb ? [3, 1] : [1, 3];
    }
  }
  return [
    { answer: a, weight: wa },
    { answer: b, weight: wb },
  ];
}

/** Capitalised single words of a page's opening sentence that describe it (`American`, `Istanbul`). */
function descriptors(page: PageRead): Set<string> {
  const first = page.sentences[0] ?? '';
  const titleStems = contentStems(page.title);
  const out = new Set<string>();
  for (const span of capitalisedSpans(first)) {
    for (const w of span.split(' ')) {
      const s = stem(w.toLowerCase());
      if (/^\p{Lu}/u.test(w) && !titleStems.has(s)) out.add(s);
    }
  }
  return out;
}

function yesNoAnswers(info: QuestionInfo, view: EpisodeView): WeightedAnswer[] {
  const pages = info.options.map((o) => pageOf(o, view));
  let yes = 1;
  let no = 1;
  if (pages.length === 2 && pages.every(Boolean)) {
    const [pa, pb] = pages as [PageRead, PageRead];
    let agree: boolean;
    if (info.asksSame) {
      const da = descriptors(pa);
      agree = [...descriptors(pb)].some((d) => da.has(d));
    } else {
      const need = Math.max(1, Math.ceil(info.propertyStems.size / 2));
      agree = propertyScore(pa, info) >= need && propertyScore(pb, info) >= need;
    }
    [yes, no] = agree ? [3, 1] : [1, 3];
  } else if (view.current) {
    // One thing read (or a single-subject question): does the page carry the asked words?
    const need = Math.max(1, Math.ceil(info.propertyStems.size / 2));
    [yes, no] = propertyScore(view.current, info) >= need ? [2, 1] : [1, 2];
  }
  return [
    { answer: 'yes', weight: yes },
    { answer: 'no', weight: no },
  ];
}

export function answerCandidates(info: QuestionInfo, view: EpisodeView): WeightedAnswer[] {
  if (info.form === 'yesno') return yesNoAnswers(info, view);
  if (info.form === 'choice') return choiceAnswers(info, view);
  return openAnswers(info, view).sort((x, y) => y.weight - x.weight);
}
