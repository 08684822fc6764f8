/**
 * The entities of the synthetic world and their facts. Everything is drawn from one
 * seeded Rng, so the same size and seed always give the same world. Some names are
 * shared on purpose (namesake people, a film and the novel it adapts); their page
 * titles then carry a Wikipedia-style qualifier, e.g. `Anna Ashley (painter)`.
 */
import type { Rng } from '../../../core/rng.js';
import * as N from './names.js';

export interface Country {
  kind: 'country';
  title: string;
  name: string;
  adjective: string;
  people: string;
  capital: City | null;
}
export interface City {
  kind: 'city';
  title: string;
  name: string;
  country: Country;
  founded: number;
  origin: string;
  population: number;
  river: string;
  feature: string;
}
export type Occupation =
  'film director' | 'actor' | 'novelist' | 'businessperson' | 'composer' | 'painter' | 'architect';
export interface Person {
  kind: 'person';
  title: string;
  name: string;
  surname: string;
  gender: 'f' | 'm';
  born: number;
  died: number | null;
  birthplace: City;
  residence: City;
  movedYear: number;
  nationality: Country;
  occupation: Occupation;
  award: { name: string; year: number } | null;
  /** Filled in as works are made. */
  films: Film[];
  scores: Film[];
  roles: Film[];
  novels: Novel[];
  companies: Company[];
  building: { name: string; city: City } | null;
}
export interface Company {
  kind: 'company';
  title: string;
  name: string;
  industry: N.Industry;
  founded: number;
  founder: Person;
  hq: City;
  firstSite: City;
  employees: number;
  films: Film[];
  novels: Novel[];
}
export interface Film {
  kind: 'film';
  title: string;
  name: string;
  year: number;
  genre: string;
  director: Person;
  star: Person;
  character: string;
  role: string;
  studio: Company;
  composer: Person | null;
  location: City;
  festival: string;
  basedOn: Novel | null;
}
export interface Novel {
  kind: 'novel';
  title: string;
  name: string;
  year: number;
  genre: string;
  author: Person;
  publisher: Company;
  protagonist: string;
  role: string;
  setting: City;
  adaptation: Film | null;
}
export type Entity = Country | City | Person | Company | Film | Novel;

export interface World {
  countries: Country[];
  cities: City[];
  people: Person[];
  companies: Company[];
  films: Film[];
  novels: Novel[];
}

const OCCUPATION_SHARES: ReadonlyArray<[Occupation, number]> = [
  ['film director', 0.17],
  ['actor', 0.2],
  ['novelist', 0.14],
  ['businessperson', 0.17],
  ['composer', 0.1],
  ['painter', 0.11],
  ['architect', 0.11],
];

const LAST_YEAR = 2023;

/** Sizes scale with the number of questions so retrieval stays non-trivial. */
export function buildWorld(questions: number, rng: Rng): World {
  const used = new Set<string>(); // every bare name in use, so titles never collide by accident
  const fresh = (make: () => string): string => {
    for (let i = 0; i < 1000; i++) {
      const name = make();
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
    throw new Error('synthetic world: ran out of fresh names');
  };
  const countries: Country[] = N.COUNTRIES.map((c) => ({
    kind: 'country',
    title: c.name,
    ...c,
    capital: null,
  }));
  for (const c of countries) used.add(c.name);

  const cities: City[] = [];
  for (let i = 0; i < Math.max(24, Math.ceil(questions * 0.12)); i++) {
    const name = fresh(() => N.cityName(rng));
    const country = countries[i % countries.length] as Country;
    cities.push({
      kind: 'city',
      title: name,
      name,
      country,
      founded: 800 + rng.int(900),
      origin: rng.pick(N.CITY_ORIGINS),
      population: (20 + rng.int(980)) * 1000,
      river: rng.pick(N.RIVERS),
      feature: rng.pick(N.CITY_FEATURES),
    });
  }
  for (const c of countries) c.capital = cities.find((city) => city.country === c) ?? null;

  const people: Person[] = [];
  const makePerson = (
    occupation: Occupation,
    name?: { first: string; last: string; gender: 'f' | 'm' },
  ): Person => {
    const gender = name?.gender ?? (rng.chance(0.5) ? 'f' : 'm');
    const last = name?.last ?? N.surname(rng);
    const full = name
      ? `${name.first} ${name.last}`
      : fresh(() => `${rng.pick(N.FIRST_NAMES[gender])} ${last}`);
    const born = 1880 + rng.int(116);
    const died =
      born < 1935 || rng.chance(0.1) ? Math.min(LAST_YEAR - 1, born + 55 + rng.int(40)) : null;
    const birthplace = rng.pick(cities);
    const nationality = rng.chance(0.8) ? birthplace.country : rng.pick(countries);
    const residence = rng.pick(cities.filter((c) => c !== birthplace));
    const movedYear = Math.min(died ?? LAST_YEAR, born + 18 + rng.int(20));
    const award = rng.chance(0.4)
      ? { name: rng.pick(N.AWARDS), year: Math.min(died ?? LAST_YEAR, born + 35 + rng.int(25)) }
      : null;
    const person: Person = {
      kind: 'person',
      title: full,
      name: full,
      surname: last,
      gender,
      born,
      died,
      birthplace,
      residence,
      movedYear,
      nationality,
      occupation,
      award,
      films: [],
      scores: [],
      roles: [],
      novels: [],
      companies: [],
      building: null,
    };
    people.push(person);
    return person;
  };
  const peopleCount = Math.max(60, Math.ceil(questions * 0.9));
  for (const [occupation, share] of OCCUPATION_SHARES)
    for (let i = 0; i < Math.ceil(peopleCount * share); i++) makePerson(occupation);
  // Namesakes: a second person with the same name and another occupation.
  for (const original of rng.shuffle(people).slice(0, Math.ceil(people.length * 0.06))) {
    const occupation = rng.pick(
      OCCUPATION_SHARES.map(([o]) => o).filter((o) => o !== original.occupation),
    );
    const [first] = original.name.split(' ');
    const twin = makePerson(occupation, {
      first: first as string,
      last: original.surname,
      gender: original.gender,
    });
    original.title = `${original.name} (${original.occupation})`;
    twin.title = `${twin.name} (${twin.occupation})`;
  }
  const byOccupation = (o: Occupation) => people.filter((p) => p.occupation === o);
  // Careers run from 20 to at most 75 years of age.
  const activeIn = (p: Person, year: number) =>
    year >= p.born + 20 && year <= Math.min(p.died ?? LAST_YEAR, p.born + 75);

  const companies: Company[] = [];
  const founders = byOccupation('businessperson');
  const companyCount = Math.max(16, Math.ceil(questions * 0.2));
  for (let i = 0; i < companyCount; i++) {
    const industry = N.INDUSTRIES[
      i % 5 === 0 || i % 5 === 3 ? 0 : i % 5 === 1 ? 1 : 2 + rng.int(N.INDUSTRIES.length - 2)
    ] as N.Industry;
    const founder = founders[i % founders.length] as Person;
    const founded = Math.min(
      LAST_YEAR - 5,
      founder.born + 22 + rng.int(25),
      founder.died ?? LAST_YEAR,
    );
    const name = fresh(
      () =>
        `${rng.chance(0.4) ? founder.surname : N.companyStem(rng)} ${rng.pick(industry.suffixes)}`,
    );
    const hq = rng.pick(cities);
    const company: Company = {
      kind: 'company',
      title: name,
      name,
      industry,
      founded,
      founder,
      hq,
      firstSite: rng.pick(cities.filter((c) => c !== hq)),
      employees: (1 + rng.int(90)) * 50,
      films: [],
      novels: [],
    };
    founder.companies.push(company);
    companies.push(company);
  }

  const novels: Novel[] = [];
  const authors = byOccupation('novelist');
  const publishers = companies.filter((c) => c.industry.kind === 'publisher');
  for (
    let i = 0, tries = 0;
    novels.length < Math.max(10, Math.ceil(questions * 0.15)) && tries < 10_000;
    tries++, i++
  ) {
    const author = authors[i % authors.length] as Person;
    const year = author.born + 22 + rng.int(40);
    const publisher = rng.pick(publishers);
    if (!activeIn(author, year) || year < publisher.founded || year > LAST_YEAR) continue;
    const name = fresh(() => N.workTitle(rng));
    const novel: Novel = {
      kind: 'novel',
      title: name,
      name,
      year,
      genre: rng.pick(N.NOVEL_GENRES),
      author,
      publisher,
      protagonist: rng.pick(N.FIRST_NAMES.f.concat(N.FIRST_NAMES.m)),
      role: rng.pick(N.CHARACTER_ROLES),
      setting: rng.pick(cities),
      adaptation: null,
    };
    author.novels.push(novel);
    publisher.novels.push(novel);
    novels.push(novel);
  }

  const films: Film[] = [];
  const directors = byOccupation('film director');
  const actors = byOccupation('actor');
  const composers = byOccupation('composer');
  const studios = companies.filter((c) => c.industry.kind === 'studio');
  for (
    let i = 0, tries = 0;
    films.length < Math.max(20, Math.ceil(questions * 0.35)) && tries < 20_000;
    tries++, i++
  ) {
    const director = directors[i % directors.length] as Person;
    const year = director.born + 25 + rng.int(40);
    const star = rng.pick(actors);
    const studio = rng.pick(studios);
    if (
      year > LAST_YEAR ||
      !activeIn(director, year) ||
      !activeIn(star, year) ||
      year < studio.founded
    )
      continue;
    // A quarter of the films adapt an earlier, not yet adapted novel and share its name.
    const source = rng.chance(0.25)
      ? (novels.find((n) => n.adaptation === null && n.year < year && rng.chance(0.3)) ?? null)
      : null;
    const name = source ? source.name : fresh(() => N.workTitle(rng));
    const composerPick = rng.chance(0.6) ? rng.pick(composers) : null;
    const composer = composerPick && activeIn(composerPick, year) ? composerPick : null;
    const film: Film = {
      kind: 'film',
      title: name,
      name,
      year,
      genre: rng.pick(N.FILM_GENRES),
      director,
      star,
      character: `${rng.pick(N.FIRST_NAMES[star.gender])} ${N.surname(rng)}`,
      role: rng.pick(N.CHARACTER_ROLES),
      studio,
      composer,
      location: rng.pick(cities),
      festival: rng.pick(N.FESTIVALS),
      basedOn: source,
    };
    if (source) {
      source.adaptation = film;
      source.title = `${source.name} (novel)`;
      film.title = `${film.name} (film)`;
    }
    director.films.push(film);
    star.roles.push(film);
    composer?.scores.push(film);
    studio.films.push(film);
    films.push(film);
  }
  for (const architect of byOccupation('architect'))
    architect.building = { name: rng.pick(N.BUILDINGS), city: rng.pick(cities) };
  return { countries, cities, people, companies, films, novels };
}
