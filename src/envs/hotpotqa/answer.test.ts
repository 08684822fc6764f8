import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactMatch, f1Score, normalizeAnswer } from './answer.js';
import { analyze, pythonListRepr, splitSentences, titleKey } from './text.js';

test('answer normalisation: case, punctuation, articles, spacing', () => {
  assert.equal(normalizeAnswer('  The  Chief of   Protocol. '), 'chief of protocol');
  assert.equal(normalizeAnswer('An apple, a day'), 'apple day');
  assert.equal(normalizeAnswer("Ed Wood's"), 'ed woods');
  assert.equal(
    exactMatch('the Chief-of Protocol', 'Chief of Protocol'),
    0,
    'a hyphen is removed, not spaced',
  );
  assert.equal(exactMatch('"Chief of Protocol"', 'chief of protocol'), 1);
});

test('token F1 with the official yes/no rule', () => {
  assert.equal(f1Score('Chief of Protocol', 'Chief of Protocol'), 1);
  assert.ok(Math.abs(f1Score('Chief of Staff', 'Chief of Protocol') - 2 / 3) < 1e-12);
  assert.equal(f1Score('yes', 'yes indeed'), 0);
  assert.equal(f1Score('no', 'No.'), 1);
  assert.equal(f1Score('', 'Paris'), 0);
});

test('title keys ignore case, accents, punctuation and spacing', () => {
  assert.equal(titleKey('Björn  Ullsvik'), titleKey('bjorn ullsvik'));
  assert.equal(titleKey('Ed Wood (film)'), 'ed wood film');
  assert.notEqual(titleKey('Ed Wood'), titleKey('Ed Wood (film)'));
});

test('the retrieval analyzer drops stop words and folds accents', () => {
  assert.deepEqual(analyze('The Exorcism of Émily Rose, 2005'), [
    'exorcism',
    'emily',
    'rose',
    '2005',
  ]);
});

test('titles are listed as Python prints a list of str', () => {
  assert.equal(
    pythonListRepr(['A', "O'Brien's Pub", 'Say "hi"', 'Both \' and "']),
    `['A', "O'Brien's Pub", 'Say "hi"', 'Both \\' and "']`,
  );
  assert.equal(pythonListRepr([]), '[]');
});

test('sentence splitting keeps initials and abbreviations together', () => {
  assert.deepEqual(
    splitSentences(
      'J. R. R. Tolkien met Mr. Smith in the U.S. in 1950. He left! Did he? "Yes." Then 1960 came.',
    ),
    [
      'J. R. R. Tolkien met Mr. Smith in the U.S. in 1950.',
      'He left!',
      'Did he?',
      '"Yes."',
      'Then 1960 came.',
    ],
  );
});
