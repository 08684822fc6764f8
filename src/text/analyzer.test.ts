import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeEnglish, stripPossessive, wordTokens } from './analyzer.js';
import { porterStem } from './porter.js';
import { sharedData, skipUnlessShared } from '../testing/shared.js';

test('Anserini tokenizer check: "Mary had a little lamb"', () => {
  assert.deepEqual(analyzeEnglish('Mary had a little lamb'), ['mari', 'had', 'littl', 'lamb']);
});

test('UAX#29 tokens: decimals, apostrophes, dotted words, hyphens, colons between letters', () => {
  assert.deepEqual(wordTokens("6.7 l'eau fl.oz sc-ht830v Material:SOLID 10:30 1,000 U.S.A. x_y"), [
    '6.7',
    "l'eau",
    'fl.oz',
    'sc',
    'ht830v',
    'Material:SOLID',
    '10',
    '30',
    '1,000',
    'U.S.A',
    'x_y',
  ]);
  assert.deepEqual(analyzeEnglish("L'EAU D'ISSEY fl.oz SC-HT830V"), [
    "l'eau",
    "d'issei",
    'fl.oz',
    'sc',
    'ht830v',
  ]);
  assert.deepEqual(analyzeEnglish('The sample queries of the shop'), ['sampl', 'queri', 'shop']);
});

test('possessives are dropped before lower-casing; stop words removed', () => {
  assert.equal(stripPossessive("Mary's"), 'Mary');
  assert.equal(stripPossessive('MEN\u2019S'), 'MEN');
  assert.equal(stripPossessive("MEN'S"), 'MEN');
  assert.deepEqual(analyzeEnglish("Women's shoes for the beach and it is not a toy"), [
    'women',
    'shoe',
    'beach',
    'toi',
  ]);
});

test('original Porter stemmer, including the reference code departures (bli, logi) and short words', () => {
  const cases: Record<string, string> = {
    caresses: 'caress',
    ponies: 'poni',
    ties: 'ti',
    cats: 'cat',
    feed: 'feed',
    agreed: 'agre',
    plastered: 'plaster',
    motoring: 'motor',
    sing: 'sing',
    conflated: 'conflat',
    hopping: 'hop',
    falling: 'fall',
    hissing: 'hiss',
    filing: 'file',
    happy: 'happi',
    relational: 'relat',
    conditional: 'condit',
    digitizer: 'digit',
    vietnamization: 'vietnam',
    hopefulness: 'hope',
    sensibiliti: 'sensibl',
    triplicate: 'triplic',
    electrical: 'electr',
    revival: 'reviv',
    adjustable: 'adjust',
    replacement: 'replac',
    adoption: 'adopt',
    effective: 'effect',
    probate: 'probat',
    controll: 'control',
    generalizations: 'gener',
    oscillators: 'oscil',
    conformabli: 'conform',
    analogi: 'analog',
    as: 'as',
    is: 'is',
    sky: 'sky',
    abatements: 'abat',
    consignment: 'consign',
    consistently: 'consist',
    knackeries: 'knackeri',
    knightly: 'knightli',
    knives: 'knive',
    archaeology: 'archaeolog',
    agreement: 'agreement',
    flies: 'fli',
    dying: 'dy',
    news: 'new',
    abilities: 'abil',
    battery: 'batteri',
    resistant: 'resist',
  };
  for (const [word, stem] of Object.entries(cases)) assert.equal(porterStem(word), stem, word);
});

test(
  'the ASCII scanner agrees with Intl.Segmenter on real product text',
  { skip: skipUnlessShared('webshop/items_sample.json') },
  () => {
    const items = JSON.parse(
      readFileSync(sharedData('webshop/items_sample.json') as string, 'utf8'),
    ) as Array<Record<string, unknown>>;
    const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
    let checked = 0;
    for (const item of items) {
      const texts = [
        item.name,
        item.full_description,
        ...(Array.isArray(item.small_description) ? item.small_description : []),
      ];
      for (const t of texts) {
        // eslint-disable-next-line no-control-regex -- the ASCII range, on purpose
        if (typeof t !== 'string' || /[^\x00-\x7f]/.test(t)) continue;
        const icu = [...segmenter.segment(t)]
          .filter((s) => s.isWordLike && /[\p{L}\p{N}]/u.test(s.segment))
          .map((s) => s.segment);
        assert.deepEqual(wordTokens(t), icu, t);
        checked++;
      }
    }
    assert.ok(checked > 20);
  },
);

test('the ASCII scanner agrees with Intl.Segmenter on random ASCII strings', () => {
  const seg = new Intl.Segmenter('en', { granularity: 'word' });
  const alphabet = 'aB1_.:\',; -"/()!?&#@$%*+=\t\n';
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % alphabet.length;
  for (let i = 0; i < 20000; i++) {
    const s = Array.from({ length: 1 + (i % 9) }, () => alphabet[next()]).join('');
    const icu = [...seg.segment(s)]
      .filter((x) => x.isWordLike && /[\p{L}\p{N}]/u.test(x.segment))
      .map((x) => x.segment);
    assert.deepEqual(wordTokens(s), icu, JSON.stringify(s));
  }
});
