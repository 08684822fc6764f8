/**
 * The HotPotQA heuristic: a stochastic ReAct player. At each step it lists plausible
 * moves (search names from the question, from a miss's similar titles or from pages read;
 * look up question words; finish with an answer drawn from what it read) with weights that
 * depend on the visible situation, and samples one. It is meant to be fallible, so that
 * among n candidates there is often a better and a worse one.
 *
 * Thoughts are written from a fixed set of plain templates per move kind: they describe
 * the move, never how the move was chosen, so a Q-model cannot read quality off the thought.
 */
import type { Message } from '../../core/messages.js';
import type { Rng } from '../../core/rng.js';
import { canonicalText } from '../parse.js';
import { answerCandidates } from './hotpotqa-answers.js';
import { analyzeQuestion, type QuestionInfo } from './hotpotqa-question.js';
import { mentionedIn, sentenceFacts } from './hotpotqa-facts.js';
import { type EpisodeView, readEpisode } from './hotpotqa-read.js';
import {
  contentStems,
  isDateLike,
  mentions,
  searchability,
  withoutArticle,
  words,
} from './hotpotqa-text.js';
import { fill, type Move } from './sampling.js';

/** Depth the player plans for (the env's default limit). */
const DEPTH = 7;

const SEARCH_QUESTION = [
  'I need to search {e} first.',
  'Let me search {e} to find the relevant facts.',
  'I should start by searching {e}.',
];
const SEARCH_NEXT = [
  'I also need information about {e}. Let me search it.',
  'Next, I will search {e}.',
  'Now I should search {e}.',
];
const SEARCH_SIMILAR = [
  'There is no page named {m}. I will try {e} from the similar titles.',
  '{m} was not found. Let me search {e} instead.',
];
const SEARCH_BRIDGE = [
  'The page of {p} mentions {e}. I need to search {e} next.',
  '{p} is connected to {e}. Let me search {e}.',
];
const LOOKUP = [
  'Let me look up "{k}" on this page.',
  'I will look for "{k}" in the {p} page.',
  'The page may say more about {k}. I will look it up.',
];
const FINISH = [
  'So the answer is {a}.',
  'Based on what I found, the answer is {a}.',
  'The answer is {a}.',
];

/** Every thought template, by move kind (exported for the test that thoughts carry no quality tell). */
export const THOUGHT_TEMPLATES = {
  SEARCH_QUESTION,
  SEARCH_NEXT,
  SEARCH_SIMILAR,
  SEARCH_BRIDGE,
  LOOKUP,
  FINISH,
} as const;

/**
 * A move before its thought is written: the drawer picks the template. Listing the moves is
 * the expensive part, done once per propose call; each candidate only draws.
 */
interface MoveSpec {
  templates: readonly string[];
  values: Record<string, string>;
  action: string;
  weight: number;
}

function move(
  templates: readonly string[],
  values: Record<string, string>,
  action: string,
  weight: number,
): MoveSpec {
  return { templates, values, action, weight };
}

function searched(view: EpisodeView, name: string): boolean {
  return view.searched.has(name.toLowerCase());
}

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

/** Groups of moves; a group is drawn by its situational mass, then a move by its weight. */
type Group = 'question' | 'similar' | 'bridge' | 'phrase' | 'fragment' | 'lookup' | 'finish';

function questionSearches(view: EpisodeView, info: QuestionInfo): MoveSpec[] {
  const templates = view.steps.length > 0 ? SEARCH_NEXT : SEARCH_QUESTION;
  return info.entities.flatMap((e, i) =>
    searched(view, e) ? [] : [move(templates, { e }, `Search[${e}]`, info.entityWeights[i] ?? 0.1)],
  );
}

/** Titles a miss offered, closer to the missed name and the question -> heavier. */
function similarSearches(view: EpisodeView, info: QuestionInfo): MoveSpec[] {
  const miss = view.similar[0];
  if (!miss) return [];
  const missStems = contentStems(`${miss.missed} ${info.text}`);
  return miss.titles
    .filter((title) => !searched(view, title))
    .map((title) => {
      const w = (0.2 + overlap(contentStems(title), missStems)) ** 2;
      return move(SEARCH_SIMILAR, { m: miss.missed, e: title }, `Search[${title}]`, w);
    });
}

/** Names met on pages read (the bridge to a second page), heavier in sentences near the question's words. */
function bridgeSearches(view: EpisodeView, info: QuestionInfo): MoveSpec[] {
  const moves: MoveSpec[] = [];
  const seen = new Set<string>();
  for (const page of view.pages) {
    for (const sentence of page.sentences) {
      const facts = sentenceFacts(view, sentence);
      const near = overlap(facts.stems, info.stems);
      for (const name of facts.spans) {
        const key = name.toLowerCase();
        if (seen.has(key) || searched(view, name) || mentionedIn(view, info.text, name)) continue;
        if (
          mentionedIn(view, page.title, withoutArticle(name)) ||
          words(name).length === 0 ||
          isDateLike(name)
        )
          continue;
        seen.add(key);
        const multiword = name.includes(' ') ? 1 : 0.5;
        const w = (0.1 + near) ** 2 * multiword * searchability(name);
        moves.push(move(SEARCH_BRIDGE, { p: page.title, e: name }, `Search[${name}]`, w));
      }
    }
  }
  return moves;
}

function phraseSearches(view: EpisodeView, info: QuestionInfo): MoveSpec[] {
  const templates = view.steps.length > 0 ? SEARCH_NEXT : SEARCH_QUESTION;
  return info.phrases
    .filter((p) => !searched(view, p))
    .map((p, i) => move(templates, { e: p }, `Search[${p}]`, 1 / (1 + i)));
}

/** A careless search: part of a question name. */
function fragmentSearches(view: EpisodeView, info: QuestionInfo): MoveSpec[] {
  const templates = view.steps.length > 0 ? SEARCH_NEXT : SEARCH_QUESTION;
  const out: MoveSpec[] = [];
  for (const name of info.entities.slice(0, 2)) {
    const parts = name.split(' ');
    if (parts.length < 2) continue;
    for (const fragment of [parts[0] ?? '', parts.slice(1).join(' ')]) {
      if (fragment.length > 2 && !searched(view, fragment))
        out.push(move(templates, { e: fragment }, `Search[${fragment}]`, 1));
    }
  }
  return out;
}

function lookupMoves(view: EpisodeView, info: QuestionInfo): MoveSpec[] {
  const page = view.current;
  const moves: MoveSpec[] = [];
  info.lookupWords.forEach((k, i) => {
    if (view.exhausted.has(k)) return;
    const w = (view.lookedUp.has(k) ? 0.3 : 1) / (1 + i);
    moves.push(move(LOOKUP, { k, p: page?.title ?? 'current' }, `Lookup[${k}]`, w));
  });
  return moves;
}

function finishMoves(view: EpisodeView, info: QuestionInfo): MoveSpec[] {
  let answers = answerCandidates(info, view);
  if (answers.length === 0) {
    // Nothing of the asked kind read yet: a name from the question or from any page.
    const pool = [
      ...info.entities,
      ...view.pages.flatMap((p) => p.sentences.flatMap((s) => sentenceFacts(view, s).spans)),
    ];
    answers = pool.slice(0, 8).map((answer) => ({ answer, weight: 1 }));
  }
  // Sharpened: the reader mostly goes with the strongest reading, sometimes with another.
  return answers.map((a) => move(FINISH, { a: a.answer }, `Finish[${a.answer}]`, a.weight ** 2));
}

const GENERATORS: Record<Group, (view: EpisodeView, info: QuestionInfo) => MoveSpec[]> = {
  question: questionSearches,
  similar: similarSearches,
  bridge: bridgeSearches,
  phrase: phraseSearches,
  fragment: fragmentSearches,
  lookup: lookupMoves,
  finish: finishMoves,
};

function optionRead(view: EpisodeView, option: string): boolean {
  return view.pages.some((p) => mentions(p.title, option) || mentions(option, p.title));
}

/** How much each group of moves fits the visible situation (normalised over non-empty groups). */
function groupMass(view: EpisodeView, info: QuestionInfo): Record<Group, number> {
  const last = view.steps[view.steps.length - 1];
  const justMissed = last !== undefined && /^Could not find/.test(last.observation);
  const similar = justMissed ? 1.2 : 0.05;
  const named = info.entities.length > 0;
  let mass: Record<Group, number>;
  if (view.pages.length === 0) {
    mass = {
      question: named ? 0.85 : 0,
      similar,
      bridge: 0,
      phrase: named ? 0.03 : 0.85,
      fragment: 0.04,
      lookup: 0.02,
      finish: 0.04,
    };
  } else if (info.form !== 'open' && info.options.length === 2) {
    const unread = info.options.some((o) => !optionRead(view, o));
    mass = unread
      ? {
          question: 0.75,
          similar,
          bridge: 0.05,
          phrase: 0.01,
          fragment: 0.03,
          lookup: 0.06,
          finish: 0.1,
        }
      : {
          question: 0.05,
          similar: similar / 2,
          bridge: 0.05,
          phrase: 0,
          fragment: 0.01,
          lookup: 0.08,
          finish: 0.75,
        };
  } else if (view.pages.length === 1) {
    // Most open questions take two pages (a bridge); one page rarely settles them.
    mass = {
      question: 0.12,
      similar,
      bridge: 0.55,
      phrase: 0.02,
      fragment: 0.02,
      lookup: 0.12,
      finish: 0.12,
    };
  } else {
    mass = {
      question: 0.06,
      similar: similar / 2,
      bridge: 0.2,
      phrase: 0.01,
      fragment: 0.01,
      lookup: 0.08,
      finish: 0.6,
    };
  }
  if (DEPTH - view.steps.length <= 2) mass.finish *= 4;
  return mass;
}

interface MovePlan {
  groups: Array<{ mass: number; moves: MoveSpec[]; weights: number[] }>;
  groupMasses: number[];
  /** The move when no group has one (a question with no names and nothing read). */
  fallback: MoveSpec | undefined;
}

function planMoves(view: EpisodeView, info: QuestionInfo): MovePlan {
  const mass = groupMass(view, info);
  const groups = (Object.keys(GENERATORS) as Group[])
    .filter((g) => mass[g] > 0)
    .map((g) => {
      const moves = GENERATORS[g](view, info);
      return { mass: mass[g], moves, weights: moves.map((m) => m.weight) };
    })
    .filter((x) => x.moves.length > 0);
  return {
    groups,
    groupMasses: groups.map((x) => x.mass),
    fallback: groups.length === 0 ? longestWordSearch(info) : undefined,
  };
}

/** Search the question's longest word. */
function longestWordSearch(info: QuestionInfo): MoveSpec {
  const word = [...words(info.text)].sort((a, b) => b.length - a.length)[0] ?? 'question';
  return move(SEARCH_QUESTION, { e: word }, `Search[${word}]`, 1);
}

/**
 * One candidate: a thought template for every listed move (in listing order, as the
 * player has always drawn them, so seeded runs stay the same), then a group by its mass
 * and a move by its weight.
 */
function drawMove(plan: MovePlan, rng: Rng): Move {
  if (plan.fallback) return written(plan.fallback, rng.pick(plan.fallback.templates));
  const templates = plan.groups.map((x) => x.moves.map((m) => rng.pick(m.templates)));
  const g = rng.weightedIndex(plan.groupMasses);
  const group = plan.groups[g] as MovePlan['groups'][number];
  const i = rng.weightedIndex(group.weights);
  return written(group.moves[i] as MoveSpec, templates[g]?.[i] ?? '');
}

function written(spec: MoveSpec, template: string): Move {
  return { thought: fill(template, spec.values), action: spec.action, weight: spec.weight };
}

export function sampleHotpotqaStep(messages: readonly Message[], rng: Rng): string {
  return prepareHotpotqaStep(messages)(rng);
}

/** Reads the conversation, analyses the question and lists the moves once; the drawer samples one reply. */
export function prepareHotpotqaStep(messages: readonly Message[]): (rng: Rng) => string {
  const view =
    readEpisode(messages) ??
    readEpisode([{ role: 'user', content: `Question: ${lastUserText(messages)}` }]);
  if (!view) return () => canonicalText('I need more information.', 'Search[question]');
  const plan = planMoves(view, analyzeQuestion(view.question));
  return (rng) => {
    const chosen = drawMove(plan, rng);
    return canonicalText(chosen.thought, chosen.action);
  };
}

function lastUserText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]?.role === 'user') return messages[i]?.content ?? '';
  return '';
}
