/**
 * Two-hop questions over the synthetic world, in HotpotQA's two types: `bridge` (the
 * question names entity A; a fact on A's page names entity B; the answer is on B's page)
 * and `comparison` (the same fact on two pages, compared; some are yes/no).
 */
import type { Rng } from '../../../core/rng.js';
import type { Fact } from './render.js';
import type { Company, Entity, Film, Novel, Person, World } from './world.js';

export interface Question {
  question: string;
  answer: string;
  type: 'bridge' | 'comparison';
  /** The supporting facts, in reasoning order. */
  support: Array<[Entity, Fact]>;
}

type Maker = (rng: Rng) => Question | null;

const PLURAL: Record<Person['occupation'], string> = {
  'film director': 'film directors',
  actor: 'actors',
  novelist: 'novelists',
  businessperson: 'businesspeople',
  composer: 'composers',
  painter: 'painters',
  architect: 'architects',
};

/** The question makers with their weights (about 70% bridge, 30% comparison as in HotpotQA dev). */
export function questionMakers(world: World): Array<[Maker, number]> {
  const { films, novels, companies } = world;
  // People asked about by name must have an unambiguous page title.
  const plain = world.people.filter((p) => p.title === p.name);
  const pick = <T>(rng: Rng, items: readonly T[]): T | null =>
    items.length ? rng.pick(items) : null;
  const two = <T>(rng: Rng, items: readonly T[], ok: (a: T, b: T) => boolean): [T, T] | null => {
    for (let i = 0; i < 50 && items.length > 1; i++) {
      const a = rng.pick(items);
      const b = rng.pick(items);
      if (a !== b && ok(a, b)) return [a, b];
    }
    return null;
  };
  const bridge = (question: string, answer: string, support: Array<[Entity, Fact]>): Question => ({
    question,
    answer,
    type: 'bridge',
    support,
  });
  const comparison = (
    question: string,
    answer: string,
    support: Array<[Entity, Fact]>,
  ): Question => ({ question, answer, type: 'comparison', support });

  const makers: Array<[Maker, number]> = [
    [
      (rng) => {
        const f = pick<Film>(rng, films);
        return (
          f &&
          bridge(
            `In which city was the director of the film ${f.name} born?`,
            f.director.birthplace.name,
            [
              [f, 'director'],
              [f.director, 'birthplace'],
            ],
          )
        );
      },
      12,
    ],
    [
      (rng) => {
        const f = pick<Film>(rng, films);
        return (
          f &&
          bridge(
            `In what year was the studio that produced the film ${f.name} founded?`,
            String(f.studio.founded),
            [
              [f, 'studio'],
              [f.studio, 'founded'],
            ],
          )
        );
      },
      8,
    ],
    [
      (rng) => {
        const f = pick<Film>(rng, films);
        return (
          f &&
          bridge(
            `What is the nationality of the lead actor of the film ${f.name}?`,
            f.star.nationality.adjective,
            [
              [f, 'star'],
              [f.star, 'nationality'],
            ],
          )
        );
      },
      8,
    ],
    [
      (rng) => {
        const f = pick<Film>(rng, films);
        return (
          f &&
          bridge(
            `Who founded the studio that produced the film ${f.name}?`,
            f.studio.founder.name,
            [
              [f, 'studio'],
              [f.studio, 'founder'],
            ],
          )
        );
      },
      7,
    ],
    [
      (rng) => {
        const n = pick<Novel>(rng, novels);
        return (
          n &&
          bridge(
            `In what year was the author of the novel ${n.name} born?`,
            String(n.author.born),
            [
              [n, 'author'],
              [n.author, 'born'],
            ],
          )
        );
      },
      7,
    ],
    [
      (rng) => {
        const n = pick<Novel>(rng, novels);
        return (
          n &&
          bridge(
            `In which city is the publisher of the novel ${n.name} headquartered?`,
            n.publisher.hq.name,
            [
              [n, 'publisher'],
              [n.publisher, 'hq'],
            ],
          )
        );
      },
      6,
    ],
    [
      (rng) => {
        const c = pick<Company>(rng, companies);
        return (
          c &&
          bridge(`In which city was the founder of ${c.name} born?`, c.founder.birthplace.name, [
            [c, 'founder'],
            [c.founder, 'birthplace'],
          ])
        );
      },
      8,
    ],
    [
      (rng) => {
        const p = pick(rng, plain);
        return (
          p &&
          bridge(
            `In which country is the city where ${p.name} was born?`,
            p.birthplace.country.name,
            [
              [p, 'birthplace'],
              [p.birthplace, 'country'],
            ],
          )
        );
      },
      6,
    ],
    [
      (rng) => {
        const p = pick(
          rng,
          plain.filter((x) => x.companies.length === 1),
        );
        const c = p?.companies[0];
        return p && c
          ? bridge(`In which city is the company founded by ${p.name} headquartered?`, c.hq.name, [
              [p, 'founded-company'],
              [c, 'hq'],
            ])
          : null;
      },
      5,
    ],
    [
      (rng) => {
        const f = pick(
          rng,
          films.filter((x) => x.basedOn),
        );
        const n = f?.basedOn;
        return f && n
          ? bridge(`Who wrote the novel that the film ${f.name} is based on?`, n.author.name, [
              [f, 'based-on'],
              [n, 'author'],
            ])
          : null;
      },
      3,
    ],
    [
      (rng) => {
        const ab = two(rng, plain, (a, b) => a.born !== b.born);
        if (!ab) return null;
        const [a, b] = ab;
        return comparison(
          `Who was born first, ${a.name} or ${b.name}?`,
          a.born < b.born ? a.name : b.name,
          [
            [a, 'born'],
            [b, 'born'],
          ],
        );
      },
      7,
    ],
    [
      (rng) => {
        const ab = two(rng, films, (a, b) => a.year !== b.year);
        if (!ab) return null;
        const [a, b] = ab;
        return comparison(
          `Which film came out first, ${a.name} or ${b.name}?`,
          a.year < b.year ? a.name : b.name,
          [
            [a, 'year'],
            [b, 'year'],
          ],
        );
      },
      5,
    ],
    [
      (rng) => {
        const ab = two(rng, companies, (a, b) => a.founded !== b.founded);
        if (!ab) return null;
        const [a, b] = ab;
        return comparison(
          `Which company was founded earlier, ${a.name} or ${b.name}?`,
          a.founded < b.founded ? a.name : b.name,
          [
            [a, 'founded'],
            [b, 'founded'],
          ],
        );
      },
      4,
    ],
    [
      (rng) => {
        const same = rng.chance(0.5);
        const ab = two(rng, plain, (a, b) => (a.nationality === b.nationality) === same);
        if (!ab) return null;
        const [a, b] = ab;
        return comparison(
          `Are ${a.name} and ${b.name} of the same nationality?`,
          same ? 'yes' : 'no',
          [
            [a, 'nationality'],
            [b, 'nationality'],
          ],
        );
      },
      5,
    ],
    [
      (rng) => {
        const same = rng.chance(0.5);
        const ab = two(rng, films, (a, b) => (a.director === b.director) === same);
        if (!ab) return null;
        const [a, b] = ab;
        return comparison(
          `Were the films ${a.name} and ${b.name} directed by the same person?`,
          same ? 'yes' : 'no',
          [
            [a, 'director'],
            [b, 'director'],
          ],
        );
      },
      4,
    ],
    [
      (rng) => {
        const both = rng.chance(0.5);
        const a = pick(rng, plain);
        const b =
          a &&
          pick(
            rng,
            plain.filter((x) => x !== a && (x.occupation === a.occupation) === both),
          );
        if (!a || !b) return null;
        return comparison(
          `Are ${a.name} and ${b.name} both ${PLURAL[a.occupation]}?`,
          both ? 'yes' : 'no',
          [
            [a, 'occupation'],
            [b, 'occupation'],
          ],
        );
      },
      4,
    ],
  ];
  return makers;
}
