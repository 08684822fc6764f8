/** Word lists and name makers for the synthetic HotPotQA world (all invented, none real). */
import type { Rng } from '../../../core/rng.js';

export const COUNTRIES: ReadonlyArray<{ name: string; adjective: string; people: string }> = [
  { name: 'Aldoria', adjective: 'Aldorian', people: 'Aldorians' },
  { name: 'Vestria', adjective: 'Vestrian', people: 'Vestrians' },
  { name: 'Norhaven', adjective: 'Norhavenish', people: 'Norhaveners' },
  { name: 'Calvaro', adjective: 'Calvaran', people: 'Calvarans' },
  { name: 'Ostmark', adjective: 'Ostmarkish', people: 'Ostmarkers' },
  { name: 'Belmora', adjective: 'Belmoran', people: 'Belmorans' },
  { name: 'Quellandia', adjective: 'Quellandic', people: 'Quellanders' },
  { name: 'Serovia', adjective: 'Serovian', people: 'Serovians' },
  { name: 'Dunmere', adjective: 'Dunmerish', people: 'Dunmerians' },
  { name: 'Kaltris', adjective: 'Kaltrian', people: 'Kaltrians' },
  { name: 'Miravel', adjective: 'Miravelese', people: 'Miravelese' },
  { name: 'Tarsanne', adjective: 'Tarsanni', people: 'Tarsannis' },
];

const CITY_HEADS = [
  'Bel',
  'Cor',
  'Dra',
  'Est',
  'Fal',
  'Gor',
  'Hal',
  'Isk',
  'Jor',
  'Kel',
  'Lor',
  'Mar',
  'Nor',
  'Ost',
  'Pel',
  'Quen',
  'Ros',
  'Sel',
  'Tor',
  'Ul',
  'Val',
  'Wes',
  'Yar',
  'Zan',
  'Ard',
  'Bram',
  'Cald',
  'Dun',
];
const CITY_MIDS = ['', '', 'a', 'e', 'i', 'o', 'en', 'ar', 'in'];
const CITY_TAILS = [
  'ford',
  'haven',
  'mouth',
  'burg',
  'stad',
  'ton',
  'wick',
  'moor',
  'gate',
  'field',
  'port',
  'bridge',
  'holm',
  'mere',
];

export const FIRST_NAMES: Record<'f' | 'm', readonly string[]> = {
  f: [
    'Anna',
    'Mirela',
    'Tove',
    'Liesl',
    'Cora',
    'Ines',
    'Maren',
    'Elsa',
    'Vera',
    'Nadia',
    'Oriane',
    'Petra',
    'Sabine',
    'Talia',
    'Ysolde',
    'Helka',
    'Ilse',
    'Livia',
    'Rosalind',
    'Greta',
    'Delphine',
    'Katya',
    'Marisol',
    'Wilhelmina',
    'Zora',
    'Agnes',
    'Bettina',
    'Edda',
  ],
  m: [
    'Tomas',
    'Aldric',
    'Bastian',
    'Corin',
    'Dario',
    'Emil',
    'Falk',
    'Gideon',
    'Henrik',
    'Ivo',
    'Jasper',
    'Konrad',
    'Lucan',
    'Matthias',
    'Nils',
    'Osric',
    'Piet',
    'Rainer',
    'Stellan',
    'Teodor',
    'Ulrich',
    'Viggo',
    'Wendel',
    'Anselm',
    'Benedek',
    'Casimir',
    'Evander',
    'Florian',
  ],
};
const SURNAME_HEADS = [
  'Ash',
  'Brenn',
  'Cal',
  'Dorn',
  'Ever',
  'Fen',
  'Gard',
  'Hol',
  'Ives',
  'Jass',
  'Kerr',
  'Lind',
  'Mor',
  'Nash',
  'Orr',
  'Pell',
  'Quill',
  'Rand',
  'Strou',
  'Thorn',
  'Vail',
  'Wren',
  'Abel',
  'Bax',
  'Crane',
  'Dal',
  'Elm',
  'Fitch',
  'Grim',
  'Hask',
];
const SURNAME_TAILS = [
  'ley',
  'wick',
  'ford',
  'by',
  'ton',
  'man',
  'er',
  'well',
  'ridge',
  'stone',
  'holt',
  'worth',
  'ström',
  'berg',
  'ov',
  'ard',
  'ing',
  'sen',
];

const TITLE_ADJECTIVES = [
  'Silent',
  'Glass',
  'Burning',
  'Hollow',
  'Last',
  'Crimson',
  'Winter',
  'Distant',
  'Iron',
  'Quiet',
  'Broken',
  'Golden',
  'Northern',
  'Hidden',
  'Paper',
  'Salt',
  'Second',
  'Lonely',
  'Painted',
  'Sleeping',
  'Wandering',
  'Bitter',
  'Velvet',
  'Falling',
  'Amber',
  'Restless',
  'Shallow',
  'Forgotten',
];
const TITLE_NOUNS = [
  'Harbor',
  'Orchard',
  'Lantern',
  'Meridian',
  'Garden',
  'Tide',
  'Crossing',
  'Archive',
  'Summer',
  'Orchestra',
  'Lighthouse',
  'Kingdom',
  'Letter',
  'Mirror',
  'Frontier',
  'Carousel',
  'Tower',
  'Season',
  'Compass',
  'River',
  'Station',
  'Bridge',
  'Mountain',
  'Feather',
  'Island',
  'Engine',
  'Promise',
  'Shadow',
];

export const FILM_GENRES = [
  'drama',
  'thriller',
  'comedy',
  'science fiction',
  'historical drama',
  'romantic comedy',
  'horror',
  'adventure',
  'mystery',
];
export const NOVEL_GENRES = [
  'literary',
  'crime',
  'fantasy',
  'historical',
  'science fiction',
  'coming-of-age',
];
export const FESTIVALS = [
  'Ravenmoor',
  'Caldera Bay',
  'Silverline',
  'Northlight',
  'Eastgate',
  'Marrow Point',
];
export const AWARDS = [
  'Golden Quill Prize',
  'Meridian Medal',
  'Order of the Silver Oak',
  'Halvard Prize',
  'Crown Lantern Award',
  'Evergreen Laurel',
];
export const CITY_FEATURES = [
  'its covered markets',
  'a medieval cathedral',
  'its glassworks',
  'a large naval harbour',
  'its university',
  'an annual lantern festival',
  'its botanical gardens',
  'a ruined hilltop fortress',
  'its canals',
  'a textile museum',
];
export const CITY_ORIGINS = [
  'a trading post',
  'a fortress',
  'a fishing village',
  'a river crossing',
  'a monastery settlement',
  'a mining camp',
];
export const RIVERS = [
  'Vell',
  'Ardon',
  'Sarre',
  'Mistra',
  'Kolva',
  'Oden',
  'Larra',
  'Thessel',
  'Brine',
  'Ulma',
  'Corvo',
  'Tamsin',
];
export const CHARACTER_ROLES = [
  'a retired lighthouse keeper',
  'a young cartographer',
  'a disgraced detective',
  'a travelling musician',
  'a ship captain',
  'a schoolteacher',
  'an exiled diplomat',
  'a forger',
  'a war photographer',
  'a botanist',
];
export const BUILDINGS = [
  'Central Library',
  'Opera House',
  'Harbour Terminal',
  'Museum of Modern Art',
  'City Hall',
  'Observatory',
];

export type Industry = {
  kind: 'studio' | 'publisher' | 'other';
  label: string;
  suffixes: readonly string[];
};
export const INDUSTRIES: readonly Industry[] = [
  {
    kind: 'studio',
    label: 'film production',
    suffixes: ['Pictures', 'Studios', 'Films', 'Motion Pictures'],
  },
  { kind: 'publisher', label: 'publishing', suffixes: ['Press', 'Books', 'Publishing', 'House'] },
  { kind: 'other', label: 'automotive', suffixes: ['Motors', 'Automobile Works'] },
  { kind: 'other', label: 'shipbuilding', suffixes: ['Shipyards', 'Marine'] },
  { kind: 'other', label: 'textile', suffixes: ['Textiles', 'Mills'] },
  { kind: 'other', label: 'software', suffixes: ['Systems', 'Software'] },
  { kind: 'other', label: 'food processing', suffixes: ['Foods', 'Provisions'] },
  { kind: 'other', label: 'pharmaceutical', suffixes: ['Pharmaceuticals', 'Laboratories'] },
];

export function cityName(rng: Rng): string {
  return rng.pick(CITY_HEADS) + rng.pick(CITY_MIDS) + rng.pick(CITY_TAILS);
}

export function surname(rng: Rng): string {
  return rng.pick(SURNAME_HEADS) + rng.pick(SURNAME_TAILS);
}

export function workTitle(rng: Rng): string {
  switch (rng.int(3)) {
    case 0:
      return `The ${rng.pick(TITLE_ADJECTIVES)} ${rng.pick(TITLE_NOUNS)}`;
    case 1:
      return `${rng.pick(TITLE_ADJECTIVES)} ${rng.pick(TITLE_NOUNS)}`;
    default:
      return `The ${rng.pick(TITLE_NOUNS)} of ${rng.pick(TITLE_ADJECTIVES)} ${rng.pick(TITLE_NOUNS)}s`;
  }
}

export function companyStem(rng: Rng): string {
  return rng.pick(CITY_HEADS) + rng.pick(['ex', 'ora', 'ant', 'ik', 'ellis', 'avo', 'um', 'ine']);
}
