import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeQuestion } from './hotpotqa-question.js';
import { parsePythonList, readEpisode } from './hotpotqa-read.js';
import { Rng } from '../../core/rng.js';
import { capitalisedSpans, isDateLike, sentences, words } from './hotpotqa-text.js';

test('capitalised spans keep initials, titles and articles, and split at "and"', () => {
  const spans = capitalisedSpans(
    'Are both Elko Regional Airport and Gerald R. Ford International Airport in Michigan?',
  );
  assert.ok(spans.includes('Elko Regional Airport'));
  assert.ok(spans.includes('Gerald R. Ford International Airport'));
  assert.ok(spans.includes('Michigan'));
  assert.ok(!spans.includes('Are'));
  const titled = capitalisedSpans('It stars Ann Roe in The Velvet Frontier, set in Dunmore.');
  assert.ok(titled.includes('The Velvet Frontier') && titled.includes('Velvet Frontier'));
  assert.ok(capitalisedSpans('designed by Ken St. Andre.').includes('Ken St. Andre'));
  assert.ok(!capitalisedSpans('from 1988 to 1996').some((s) => s.includes('1988')));
});

test('sentences split at sentence ends, not at initials', () => {
  assert.deepEqual(sentences('Roger O. Egeberg was a doctor. He was born in 1904. It ended.'), [
    'Roger O. Egeberg was a doctor.',
    'He was born in 1904.',
    'It ended.',
  ]);
  assert.ok(isDateLike('August 12') && isDateLike('1990') && !isDateLike('Ann Roe'));
});

test('question forms: yes/no pairs, choices, open answer types', () => {
  const yn = analyzeQuestion('Were Scott Derrickson and Ed Wood of the same nationality?');
  assert.equal(yn.form, 'yesno');
  assert.deepEqual(yn.options, ['Scott Derrickson', 'Ed Wood']);
  assert.equal(yn.asksSame, true);
  const choice = analyzeQuestion(
    'Which band, Letters to Cleo or Screaming Trees, had more members?',
  );
  assert.equal(choice.form, 'choice');
  assert.deepEqual(choice.options, ['Letters to Cleo', 'Screaming Trees']);
  assert.equal(choice.direction, 'max');
  assert.equal(analyzeQuestion('Who is older, Ann Roe or Bo Lind?').direction, 'min');
  assert.equal(analyzeQuestion('Who wrote the song "These Days" or something?').form, 'open');
  assert.equal(analyzeQuestion('In what year was the studio founded?').answerType, 'year');
  assert.equal(analyzeQuestion('The arena can seat how many people?').answerType, 'number');
  assert.equal(
    analyzeQuestion('In which city was the director of Big Fish born?').answerType,
    'place',
  );
  assert.equal(analyzeQuestion('Who directed Big Fish?').answerType, 'person');
  const open = analyzeQuestion(
    'The director of the romantic comedy "Big Stone Gap" is based in what New York city?',
  );
  assert.equal(open.entities[0], 'Big Stone Gap');
  assert.ok(open.lookupWords.includes('directed'));
  assert.ok(
    analyzeQuestion('what science fantasy series has companion books?').phrases.includes(
      'science fantasy series',
    ),
  );
});

test('Python list rendering of similar titles is read back', () => {
  assert.deepEqual(parsePythonList(`['A (film)', "Guns N' Roses", 'C, D']`), [
    'A (film)',
    "Guns N' Roses",
    'C, D',
  ]);
  assert.deepEqual(parsePythonList('[]'), []);
});

test('readEpisode starts at the last Question turn and tracks pages, misses and lookups', () => {
  const view = readEpisode([
    { role: 'user', content: 'Question: an example' },
    { role: 'assistant', content: 'Thought: x\nAction: Search[Example]' },
    { role: 'user', content: 'Observation: Example is old.' },
    { role: 'user', content: 'Question: real one?' },
    { role: 'assistant', content: 'Thought: a\nAction: Search[Foo]' },
    { role: 'user', content: "Observation: Could not find Foo. Similar: ['Foo (band)', 'Food']." },
    { role: 'assistant', content: 'Thought: b\nAction: Search[Foo (band)]' },
    { role: 'user', content: 'Observation: Foo is a band. It formed in 1990.' },
    { role: 'assistant', content: 'Thought: c\nAction: Lookup[members]' },
    { role: 'user', content: 'Observation: (Result 1 / 1) Foo has four members.' },
    { role: 'assistant', content: 'Thought: d\nAction: Finish[x]' },
  ]);
  assert.ok(view);
  assert.equal(view.question, 'real one?');
  assert.equal(view.steps.length, 3);
  assert.deepEqual(view.similar[0], { missed: 'Foo', titles: ['Foo (band)', 'Food'] });
  assert.deepEqual(
    view.pages.map((p) => p.title),
    ['Foo (band)'],
  );
  assert.deepEqual(view.current?.sentences, [
    'Foo is a band.',
    'It formed in 1990.',
    'Foo has four members.',
  ]);
  assert.ok(view.exhausted.has('members'));
  assert.ok(!view.searched.has('example'));
});

test('words: the ASCII pattern finds the same words as the Unicode one', () => {
  const unicode = (t: string) =>
    t.toLowerCase().match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
  const rng = new Rng(7);
  const alphabet = 'aZ9 -\'’.,é("x\n';
  for (let i = 0; i < 2000; i++) {
    const text = Array.from({ length: rng.int(30) }, () => rng.pick([...alphabet])).join('');
    assert.deepEqual(words(text), unicode(text), JSON.stringify(text));
  }
  assert.deepEqual(words("Guns N' Roses, rock-and-roll 1990s"), [
    'guns',
    'n',
    'roses',
    'rock-and-roll',
    '1990s',
  ]);
});
