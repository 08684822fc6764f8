/**
 * Encyclopedia-style paragraphs for the synthetic entities. Each renderer also says
 * which sentence states which fact, so questions can cite exact supporting facts.
 */
import type { City, Company, Country, Entity, Film, Novel, Person } from './world.js';

export type Fact =
  | 'born'
  | 'birthplace'
  | 'nationality'
  | 'occupation'
  | 'founded-company'
  | 'country'
  | 'year'
  | 'director'
  | 'star'
  | 'studio'
  | 'based-on'
  | 'hq'
  | 'founded'
  | 'founder'
  | 'author'
  | 'publisher';

export interface Rendered {
  sentences: string[];
  facts: Partial<Record<Fact, number>>;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const quoted = (work: Film | Novel) => `"${work.name}" (${work.year})`;

class Builder {
  readonly sentences: string[] = [];
  readonly facts: Partial<Record<Fact, number>> = {};
  add(sentence: string, ...facts: Fact[]): void {
    for (const f of facts) this.facts[f] = this.sentences.length;
    this.sentences.push(sentence);
  }
}

function person(p: Person): Rendered {
  const b = new Builder();
  const he = p.gender === 'f' ? 'she' : 'he';
  const his = p.gender === 'f' ? 'her' : 'his';
  const cap = (s: string) => s[0]?.toUpperCase() + s.slice(1);
  const life = p.died ? `${p.born} – ${p.died}` : `born ${p.born}`;
  const article = /^[aeiou]/i.test(p.nationality.adjective) ? 'an' : 'a';
  b.add(
    `${p.name} (${life}) ${p.died ? 'was' : 'is'} ${article} ${p.nationality.adjective} ${p.occupation}.`,
    'born',
    'nationality',
    'occupation',
  );
  b.add(
    `Born in ${p.birthplace.name}, ${he} moved to ${p.residence.name} in ${p.movedYear}.`,
    'birthplace',
  );
  switch (p.occupation) {
    case 'film director':
      b.add(
        p.films.length
          ? `${p.surname} directed ${list(p.films.map(quoted))}.`
          : `${p.surname} began ${his} career directing short films and television commercials.`,
      );
      break;
    case 'actor':
      b.add(
        p.roles.length
          ? `${p.surname} is best known for ${his} roles in ${list(p.roles.slice(0, 3).map(quoted))}.`
          : `${p.surname} has worked mainly in theatre, with the ${p.residence.name} Repertory Company.`,
      );
      break;
    case 'novelist':
      b.add(
        p.novels.length
          ? `${cap(his)} novels include ${list(p.novels.map(quoted))}.`
          : `${p.surname} has published several collections of short stories.`,
      );
      break;
    case 'businessperson':
      b.add(
        p.companies.length
          ? `${p.surname} founded ${list(p.companies.map((c) => `${c.name} in ${c.founded}`))}.`
          : `${p.surname} sat on the boards of several shipping firms.`,
        'founded-company',
      );
      break;
    case 'composer':
      b.add(
        p.scores.length
          ? `${p.surname} wrote the scores for ${list(p.scores.slice(0, 3).map(quoted))}.`
          : `${p.surname} has written three symphonies and a body of chamber music.`,
      );
      break;
    case 'painter':
      b.add(`${cap(his)} paintings are held by the ${p.residence.name} Museum of Art.`);
      break;
    case 'architect':
      b.add(
        p.building
          ? `${p.surname} designed the ${p.building.name} in ${p.building.city.name}.`
          : `${p.surname} taught architecture for many years.`,
      );
      break;
  }
  if (p.award) b.add(`In ${p.award.year}, ${he} received the ${p.award.name}.`);
  return b;
}

function city(c: City): Rendered {
  const b = new Builder();
  b.add(
    `${c.name} is a city in ${c.country.name}${c.country.capital === c ? ' and its capital' : ''}.`,
    'country',
  );
  b.add(`It lies on the ${c.river} River and was founded in ${c.founded} as ${c.origin}.`);
  b.add(`It has a population of about ${c.population.toLocaleString('en-US')}.`);
  b.add(`${c.name} is known for ${c.feature}.`);
  return b;
}

function country(c: Country): Rendered {
  const b = new Builder();
  b.add(`${c.name} is a country whose capital is ${c.capital?.name ?? 'disputed'}.`);
  b.add(`Its citizens are called ${c.people}, and its official language is ${c.adjective}.`);
  return b;
}

function company(c: Company): Rendered {
  const b = new Builder();
  const article = /^[aeiou]/i.test(c.hq.country.adjective) ? 'an' : 'a';
  b.add(
    `${c.name} is ${article} ${c.hq.country.adjective} ${c.industry.label} company headquartered in ${c.hq.name}.`,
    'hq',
  );
  b.add(`${c.name} was founded in ${c.founded} by ${c.founder.name}.`, 'founded', 'founder');
  b.add(
    `Its first ${c.industry.kind === 'studio' ? 'sound stage' : c.industry.kind === 'publisher' ? 'printing shop' : 'factory'} opened in ${c.firstSite.name}.`,
  );
  const works = c.industry.kind === 'studio' ? c.films : c.novels;
  if (works.length)
    b.add(
      `Its ${c.industry.kind === 'studio' ? 'productions' : 'titles'} include ${list(works.slice(0, 3).map(quoted))}.`,
    );
  b.add(`As of 2020, the company employed about ${c.employees.toLocaleString('en-US')} people.`);
  return b;
}

function film(f: Film): Rendered {
  const b = new Builder();
  b.add(
    `${f.name} is a ${f.year} ${f.genre} film directed by ${f.director.name}.`,
    'year',
    'director',
  );
  b.add(`It stars ${f.star.name} as ${f.character}, ${f.role}.`, 'star');
  b.add(
    `The film was produced by ${f.studio.name} and premiered at the ${f.festival} Film Festival.`,
    'studio',
  );
  if (f.basedOn)
    b.add(`It is an adaptation of the ${f.basedOn.year} novel of the same name.`, 'based-on');
  b.add(`Most of it was shot on location in ${f.location.name}.`);
  if (f.composer) b.add(`The score was composed by ${f.composer.name}.`);
  return b;
}

function novel(n: Novel): Rendered {
  const b = new Builder();
  b.add(`${n.name} is a ${n.year} ${n.genre} novel by ${n.author.name}.`, 'year', 'author');
  b.add(`It was first published by ${n.publisher.name}.`, 'publisher');
  b.add(`The story follows ${n.protagonist}, ${n.role} in ${n.setting.name}.`);
  if (n.adaptation) b.add(`It was adapted into a film in ${n.adaptation.year}.`);
  return b;
}

export function render(e: Entity): Rendered {
  switch (e.kind) {
    case 'person':
      return person(e);
    case 'city':
      return city(e);
    case 'country':
      return country(e);
    case 'company':
      return company(e);
    case 'film':
      return film(e);
    case 'novel':
      return novel(e);
  }
}
