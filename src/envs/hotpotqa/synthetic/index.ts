/**
 * `builtin:synthetic[:N]`: a seeded, fictional HotPotQA-format world. N two-hop questions
 * over invented people, films, novels, companies, cities and countries, each record with
 * its gold paragraphs plus distractor paragraphs of related and similar entities (10 in
 * all, as in the distractor setting), in the official record layout so it goes through
 * the same loader path as a real file. Same N and seed -> the identical records.
 */
import { Rng, seedFrom } from '../../../core/rng.js';
import type { HotpotqaRecord } from '../loader.js';
import { normalizeAnswer } from '../answer.js';
import { questionMakers, type Question } from './questions.js';
import { render, type Fact, type Rendered } from './render.js';
import { buildWorld, type Entity, type World } from './world.js';

export const SYNTHETIC_DEFAULT_SIZE = 500;
/** The world does not depend on --seed, so runs with different seeds share their tasks. */
export const SYNTHETIC_WORLD_SEED = 'stepq-synthetic-world';
const PARAGRAPHS_PER_QUESTION = 10;

/** Entities a page mentions or resembles: good distractors for a question about it. */
function neighbours(e: Entity, world: World): Entity[] {
  switch (e.kind) {
    case 'film':
      return [
        e.director,
        e.star,
        e.studio,
        e.location,
        ...(e.composer ? [e.composer] : []),
        ...(e.basedOn ? [e.basedOn] : []),
        ...e.director.films,
        ...e.studio.films,
      ];
    case 'novel':
      return [
        e.author,
        e.publisher,
        e.setting,
        ...(e.adaptation ? [e.adaptation] : []),
        ...e.author.novels,
      ];
    case 'person':
      return [
        e.birthplace,
        e.residence,
        ...e.films,
        ...e.roles,
        ...e.novels,
        ...e.companies,
        ...world.people.filter((p) => p.name === e.name && p !== e),
      ];
    case 'company':
      return [e.founder, e.hq, e.firstSite, ...e.films.slice(0, 2), ...e.novels.slice(0, 2)];
    case 'city':
      return [e.country, ...world.cities.filter((c) => c.country === e.country && c !== e)];
    case 'country':
      return e.capital ? [e.capital] : [];
  }
}

function sameKind(e: Entity, world: World): readonly Entity[] {
  const lists: Record<Entity['kind'], readonly Entity[]> = {
    film: world.films,
    novel: world.novels,
    person: world.people,
    company: world.companies,
    city: world.cities,
    country: world.countries,
  };
  return lists[e.kind];
}

/** Bridge answers must not appear in their question (comparisons name their options by design). */
function leaks(q: Question): boolean {
  if (q.type !== 'bridge') return false;
  return ` ${normalizeAnswer(q.question)} `.includes(` ${normalizeAnswer(q.answer)} `);
}

function factSentence(r: Rendered, fact: Fact, e: Entity): number {
  const index = r.facts[fact];
  if (index === undefined) throw new Error(`synthetic world: page ${e.title} states no ${fact}`);
  return index;
}

export function generateSyntheticRecords(
  size: number,
  seed: string | number = SYNTHETIC_WORLD_SEED,
): HotpotqaRecord[] {
  const root = new Rng(seedFrom('synthetic', size, seed));
  const world = buildWorld(size, root.fork('world'));
  const rendered = new Map<Entity, Rendered>();
  const page = (e: Entity): Rendered => {
    let r = rendered.get(e);
    if (!r) rendered.set(e, (r = render(e)));
    return r;
  };
  const makers = questionMakers(world);
  const weights = makers.map(([, w]) => w);
  const rng = root.fork('questions');
  const seen = new Set<string>();
  const records: HotpotqaRecord[] = [];
  for (let tries = 0; records.length < size && tries < size * 50; tries++) {
    const q = (makers[rng.weightedIndex(weights)] as (typeof makers)[number])[0](rng);
    if (!q || seen.has(q.question) || leaks(q)) continue;
    seen.add(q.question);
    const gold = [...new Set(q.support.map(([e]) => e))];
    const chosen = new Set<Entity>(gold);
    const close = rng.shuffle([...new Set(gold.flatMap((e) => neighbours(e, world)))]);
    for (const e of close) if (chosen.size < gold.length + 5) chosen.add(e);
    for (let i = 0; chosen.size < PARAGRAPHS_PER_QUESTION && i < 100; i++)
      chosen.add(rng.pick(sameKind(rng.pick(gold), world)));
    records.push({
      _id: `syn-${String(records.length).padStart(4, '0')}`,
      question: q.question,
      answer: q.answer,
      type: q.type,
      level: 'synthetic',
      supporting_facts: q.support.map(([e, fact]) => [e.title, factSentence(page(e), fact, e)]),
      context: rng
        .shuffle([...chosen])
        .map((e) => [e.title, page(e).sentences.map((s, i) => (i === 0 ? s : ` ${s}`))]),
    });
  }
  return records;
}
