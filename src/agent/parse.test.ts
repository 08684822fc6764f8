import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import {
  actionKey,
  canonicalText,
  normalizeCommand,
  parseAction,
  parseReply,
  parseReplyByLabels,
} from './parse.js';

/** parseReply's thought and action; every case also checks that parseAction reads the same action. */
function parsed(raw: string): [string, string] {
  const p = parseReply(raw);
  assert.equal(parseAction(raw), p.action, `parseAction(${JSON.stringify(raw)})`);
  return [p.thought, p.action];
}

test('canonical two-line reply round-trips unchanged', () => {
  const text = 'Thought: I need the birthplace.\nAction: Search[Ada Lovelace]';
  const p = parseReply(text);
  assert.deepEqual([p.thought, p.action], ['I need the birthplace.', 'Search[Ada Lovelace]']);
  assert.equal(p.text, text);
  assert.equal(parseReply(p.text).text, p.text);
});

test('one-line ReAct style and numbered labels', () => {
  assert.deepEqual(parsed('Thought: look it up. Action: Lookup[born]'), [
    'look it up.',
    'Lookup[born]',
  ]);
  assert.deepEqual(parsed('Thought 3: so the answer is 1901.\nAction 3: Finish[1901]'), [
    'so the answer is 1901.',
    'Finish[1901]',
  ]);
  assert.deepEqual(parsed('thought:x\naction :  search [ Paris ]'), ['x', 'search[Paris]']);
  assert.deepEqual(parsed('THOUGHT: y\nACTION: FINISH[no]'), ['y', 'FINISH[no]']);
});

test('markdown bullets, bold labels and code spans', () => {
  assert.deepEqual(parsed('- **Thought:** check the page\n- **Action:** `Search[Big Stone Gap]`'), [
    'check the page',
    'Search[Big Stone Gap]',
  ]);
  assert.deepEqual(parsed('**Thought**: a\n**Action**: Lookup[founded]'), ['a', 'Lookup[founded]']);
  assert.deepEqual(parsed('> Thought: q\n> Action: Finish[yes]'), ['q', 'Finish[yes]']);
});

test('missing, extra and nested brackets', () => {
  assert.equal(normalizeCommand('Search[Paris'), 'Search[Paris]');
  assert.equal(normalizeCommand('Search[Paris.'), 'Search[Paris]');
  assert.equal(normalizeCommand('Search[Paris]]'), 'Search[Paris]');
  assert.equal(normalizeCommand('Search[[Paris]]'), 'Search[Paris]');
  assert.equal(normalizeCommand('Search[[Paris]'), 'Search[Paris]');
  assert.equal(normalizeCommand('Search Paris'), 'Search[Paris]');
  assert.equal(normalizeCommand('Search: Paris, Texas'), 'Search[Paris, Texas]');
  assert.equal(normalizeCommand('Search(Paris)'), 'Search[Paris]');
  assert.equal(normalizeCommand('Finish[1901].'), 'Finish[1901]');
  assert.equal(normalizeCommand('Search["Big Stone Gap"]'), 'Search[Big Stone Gap]');
  assert.equal(normalizeCommand("Search[Guns N' Roses]"), "Search[Guns N' Roses]");
  assert.equal(normalizeCommand('Search[A] and then Lookup[B]'), 'Search[A]');
  assert.equal(normalizeCommand('I will Search[Ada Lovelace] now'), 'Search[Ada Lovelace]');
  assert.equal(normalizeCommand('Search[Action: The Game]'), 'Search[Action: The Game]');
  assert.equal(
    normalizeCommand('Finish[Thought: A Novel] Observation: x'),
    'Finish[Thought: A Novel]',
  );
});

test('WebShop values keep inner brackets, parentheses and colons', () => {
  assert.equal(normalizeCommand('click[12 inch (pack of 1)]'), 'click[12 inch (pack of 1)]');
  assert.equal(normalizeCommand('click[12 inch (pack of 1)'), 'click[12 inch (pack of 1)]');
  assert.equal(normalizeCommand('click(12 inch (pack of 1))'), 'click[12 inch (pack of 1)]');
  assert.equal(normalizeCommand('click[< Prev]'), 'click[< Prev]');
  assert.equal(normalizeCommand('click[Buy Now]'), 'click[Buy Now]');
  assert.equal(normalizeCommand('search[men shirt [xl] cotton]'), 'search[men shirt [xl] cotton]');
  assert.equal(normalizeCommand('click[color: navy blue]'), 'click[color: navy blue]');
  assert.deepEqual(
    parsed('Thought: I think I should pick the small pack.\nAction: click[12 inch (pack of 1)]'),
    ['I think I should pick the small pack.', 'click[12 inch (pack of 1)]'],
  );
});

test('a reply that runs on into an invented observation or next step', () => {
  assert.deepEqual(
    parsed(
      'Thought: a\nAction: Search[X]\nObservation: X is a city.\nThought: b\nAction: Finish[X]',
    ),
    ['a', 'Search[X]'],
  );
  assert.deepEqual(parsed('Thought: a Action: Search[X] Observation: fake'), ['a', 'Search[X]']);
  assert.deepEqual(parsed('Thought: a\nAction: Search[X\nObservation: fake'), ['a', 'Search[X]']);
  assert.deepEqual(parsed('Thought 1: a\nAction 1: Search[A]\nAction 2: Search[B]'), [
    'a',
    'Search[A]',
  ]);
});

test('command on the line after the label, and a value split across lines', () => {
  assert.deepEqual(parsed('Thought: a\nAction:\nLookup[born]'), ['a', 'Lookup[born]']);
  assert.deepEqual(parsed('Thought: a\nAction: Search[New\nYork City]'), [
    'a',
    'Search[New York City]',
  ]);
});

test('the word "action" inside the thought does not steal the command', () => {
  assert.deepEqual(parsed('Thought: the best course of action: read on.\nAction: Lookup[born]'), [
    'the best course of action: read on.',
    'Lookup[born]',
  ]);
  assert.deepEqual(parsed('Thought: next action: think. Action: Search[X]'), [
    'next action: think.',
    'Search[X]',
  ]);
});

test('no action at all gives an empty (invalid) action, never a throw', () => {
  for (const raw of [
    '',
    '   ',
    'Thought: I am not sure what to do.',
    'just some words',
    '[]',
    'Action:',
    'Action: ]]',
  ]) {
    const p = parseReply(raw);
    assert.equal(typeof p.thought, 'string');
    assert.equal(p.text, canonicalText(p.thought, p.action));
    assert.equal(p.action, '', `action of ${JSON.stringify(raw)}`);
  }
  assert.deepEqual(parsed('Thought: hmm\nObservation: made up'), ['hmm', '']);
});

test('a bare command line without an Action label is accepted', () => {
  assert.deepEqual(parsed('Thought: go\nSearch[Paris]'), ['go', 'Search[Paris]']);
  assert.deepEqual(parsed('Finish[yes]'), ['', 'Finish[yes]']);
});

test('canonical text never spans more than two lines and re-parses to itself', () => {
  const raws = [
    'Thought: a\nb\nc\nAction: Search[x]',
    '**Thought:** multi\n\nline\n**Action:** click[12 inch (pack of 1)]',
    'Action: Finish[yes]\nThought: after',
    'Thought: q',
  ];
  for (const raw of raws) {
    const p = parseReply(raw);
    assert.equal(p.text.split('\n').length, 2);
    assert.equal(parseReply(p.text).text, p.text);
  }
});

test('actionKey ignores case and spacing only', () => {
  assert.equal(actionKey('Search[ Paris ]'), actionKey('search[Paris]'));
  assert.equal(actionKey('SEARCH [Paris]'), 'search[paris]');
  assert.notEqual(actionKey('Search[Paris]'), actionKey('Lookup[Paris]'));
  assert.notEqual(actionKey('Search[Paris]'), actionKey('Search[Paris, Texas]'));
});

test('the shortcut for canonical replies reads them as the general reading does (20,000 random replies)', () => {
  const rng = new Rng(7);
  // Pieces that exercise the general reading: labels inside the thought or argument, markdown
  // decoration, quotes, Unicode and repeated spaces, brackets in the thought.
  const pieces = [
    'a',
    'Paris',
    'the',
    ' ',
    '  ',
    '\t',
    '\u00a0',
    '\u3000',
    '*',
    '_',
    '#',
    '>',
    '-',
    '•',
    '`',
    '"',
    "'",
    '“',
    '”',
    'action:',
    'Action 2:',
    'thought:',
    'observation:',
    '：',
    '(',
    ')',
    ':',
    '.',
    '[x]',
    'Search[y]',
    '12',
    'é',
  ];
  const text = (max: number, allowBrackets: boolean) => {
    let out = '';
    for (let i = rng.int(max); i > 0; i--) {
      const piece = rng.pick(pieces);
      if (allowBrackets || !/[[\]]/.test(piece)) out += piece;
    }
    return out;
  };
  const verbs = ['search', 'click', 'Search', 'Finish', 'lookup', 'a_b', 'x'];
  let shortcut = 0;
  for (let i = 0; i < 20_000; i++) {
    const raw = `Thought: ${text(8, true)}\nAction: ${rng.pick(verbs)}[${text(6, false)}]`;
    shortcut += /^Thought: [^\n\r]*\nAction: [A-Za-z][A-Za-z_]*\[[^[\]\n\r]*\]$/.test(raw) ? 1 : 0;
    const general = parseReplyByLabels(raw);
    assert.deepEqual(parseReply(raw), general, JSON.stringify(raw));
    assert.equal(parseAction(raw), general.action, JSON.stringify(raw));
  }
  assert.ok(shortcut > 15_000, `only ${shortcut} replies took the shortcut`);
});
