import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHeuristicPolicy } from './index.js';
import { PageSegments, pageKind, readPage, readShopEpisode } from './webshop-read.js';
import { optionMention, readRequest, titleMatch } from './webshop-match.js';
import { policyMessages } from '../conversation.js';
import { parseReply } from '../parse.js';
import { webshopPrompt } from '../prompts/webshop.js';
import type { HistoryStep, Message } from '../../core/messages.js';
import { Rng, seedFrom } from '../../core/rng.js';
import { WebshopEnv, type WebshopState } from '../../envs/webshop/env.js';
import { WebshopCatalog } from '../../envs/webshop/catalog.js';
import { loadProductsFromValues } from '../../envs/webshop/products.js';
import { generateShopCatalog } from '../../envs/webshop/catalog/generate.js';
import { sharedData, skipUnlessShared } from '../../testing/shared.js';

const INSTR =
  'i want a pair of grey trail running shoes with rubber sole in size 9, and price lower than 60.00 dollars';
const START = `WebShop [SEP] Instruction: [SEP] ${INSTR} [SEP] Search`;
const RESULTS =
  `Instruction: [SEP] ${INSTR} [SEP] Back to Search [SEP] Page 1 (Total results: 12) [SEP] Next > [SEP] ` +
  'B0AAAAAAA1 [SEP] Stride Trail Running Shoes, Rubber Sole [SEP] $45.5 [SEP] ' +
  'B0AAAAAAA2 [SEP] Office Chair Cushion [SEP] $19.99 to $29.99 [SEP] ' +
  'B0AAAAAAA3 [SEP] Trail Running Shoes Rubber Sole Waterproof [SEP] $89.0';
const ITEM =
  `Instruction: [SEP] ${INSTR} [SEP] Back to Search [SEP] < Prev [SEP] color [SEP] black [SEP] grey [SEP] size [SEP] 8 [SEP] 9 [SEP] 10 [SEP] ` +
  'Stride Trail Running Shoes, Rubber Sole [SEP] Price: $45.5 [SEP] Rating: N.A. [SEP] Description [SEP] Features [SEP] Reviews [SEP] Buy Now';

function conversation(steps: Array<[string, string]>): Message[] {
  const history: HistoryStep[] = steps.map(([action, observation]) => ({
    text: `Thought: ok\nAction: ${action}`,
    action,
    observation,
  }));
  return policyMessages({ env: 'webshop', taskId: 'fixed_0', task: START, history });
}

test('pages and the episode are read from the conversation alone', () => {
  const results = readPage(RESULTS);
  assert.equal(results?.kind, 'results');
  assert.deepEqual(results?.kind === 'results' && results.results.map((r) => [r.asin, r.price]), [
    ['B0AAAAAAA1', 45.5],
    ['B0AAAAAAA2', 19.99],
    ['B0AAAAAAA3', 89],
  ]);
  const item = readPage(ITEM);
  assert.ok(item?.kind === 'item');
  assert.deepEqual(item.options, [
    { name: 'color', values: ['black', 'grey'] },
    { name: 'size', values: ['8', '9', '10'] },
  ]);
  assert.equal(readPage('Invalid action!'), undefined);
  const ep = readShopEpisode(
    conversation([
      ['search[trail shoes]', RESULTS],
      ['click[B0AAAAAAA1]', ITEM],
      ['click[grey]', ITEM],
    ]),
  );
  assert.ok(ep);
  assert.equal(ep.instruction, INSTR);
  assert.equal(ep.currentAsin, 'B0AAAAAAA1');
  assert.deepEqual([...ep.chosen], ['grey']);
  assert.deepEqual([...ep.searches], ['trail shoes']);
  // The few-shot example comes before the task and is not mistaken for it.
  assert.ok(webshopPrompt.fewShot.length > 0);
});

test('the request: price limit, content words, option mentions', () => {
  const r = readRequest(INSTR);
  assert.equal(r.priceLimit, 60);
  assert.ok(!r.words.includes('size') && !r.words.includes('want'));
  assert.ok(
    titleMatch(r, 'Trail Running Shoes with Rubber Sole') > titleMatch(r, 'Office Chair Cushion'),
  );
  assert.equal(optionMention(r, 'grey'), 1);
  assert.equal(optionMention(r, '9'), 1);
  assert.equal(optionMention(r, '8'), 0);
  assert.equal(
    optionMention(readRequest('a 6.76 fl oz bottle, and price lower than 20.00 dollars'), '6'),
    0,
  );
});

test('an option value is a phrase of the request where the phrase pattern says so (random texts)', () => {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = (v: string) =>
    new RegExp(`(^|[\\s,;:(/"'])${escape(v)}($|[\\s,;:)/!?"']|\\.(\\s|$))`);
  const rng = new Rng(11);
  const pieces = [
    'red',
    'red.',
    ' ',
    '\u00a0',
    ',',
    ';',
    ':',
    '(',
    ')',
    '/',
    '"',
    "'",
    '!',
    '?',
    '.',
    'x',
    '9',
    '-',
    '\n',
  ];
  const values = ['red', 'red red', 'x', '9', '.', 'red.x', '(x)'];
  let phrases = 0;
  for (let i = 0; i < 5000; i++) {
    let text = '';
    for (let k = rng.int(10); k > 0; k--) text += rng.pick(pieces);
    const request = { ...readRequest('x'), text, textWords: new Set<string>() };
    const value = rng.pick(values);
    const expected = pattern(value).test(text);
    phrases += expected ? 1 : 0;
    // Single-word values score 1 as a phrase, else 0; `red red` falls back to word shares.
    if (value !== 'red red')
      assert.equal(optionMention(request, value), expected ? 1 : 0, JSON.stringify([text, value]));
    else if (expected) assert.equal(optionMention(request, value), 1, JSON.stringify(text));
  }
  assert.ok(phrases > 200, `${phrases} phrase cases`);
});

test('same conversation and seed give the same candidates; replies parse to valid commands', async () => {
  const policy = createHeuristicPolicy('webshop');
  for (const messages of [
    conversation([]),
    conversation([['search[trail shoes]', RESULTS]]),
    conversation([
      ['search[x]', RESULTS],
      ['click[B0AAAAAAA1]', ITEM],
    ]),
  ]) {
    const a = await policy.propose(messages, 5, { seed: 42 });
    const b = await policy.propose(structuredClone(messages), 5, { seed: 42 });
    assert.deepEqual(a, b);
    assert.equal(a.candidates.length, 5);
    assert.ok(a.usage.promptTokens > 0 && a.usage.completionTokens > 0);
    for (const c of a.candidates) {
      const p = parseReply(c);
      assert.match(p.action, /^(search|click)\[[^\]]+\]$/);
      assert.ok(p.thought.length > 10);
      assert.equal(p.text, c, 'replies are already canonical');
    }
  }
  const spread = new Set<string>();
  for (let seed = 0; seed < 20; seed++)
    for (const c of (await policy.propose(conversation([['search[x]', RESULTS]]), 3, { seed }))
      .candidates)
      spread.add(parseReply(c).action);
  assert.ok(spread.size >= 3, 'candidates vary');
  // On the item page it mostly works on the named options or buys; it never clicks an option that is not shown.
  const onItem = await policy.propose(
    conversation([
      ['search[x]', RESULTS],
      ['click[B0AAAAAAA1]', ITEM],
    ]),
    40,
    { seed: 3 },
  );
  const actions = onItem.candidates.map((c) => parseReply(c).action);
  const shown = new Set([
    'black',
    'grey',
    '8',
    '9',
    '10',
    'Buy Now',
    '< Prev',
    'Description',
    'Features',
    'Back to Search',
  ]);
  for (const a of actions) assert.ok(shown.has(a.slice(6, -1)), a);
  assert.ok(actions.filter((a) => a === 'click[grey]' || a === 'click[9]').length >= 10);
});

test('episodes on a generated shop: valid actions only, decisions read only the conversation', async () => {
  const raw = generateShopCatalog({ n: 300, seed: 5 });
  const catalog = new WebshopCatalog(
    loadProductsFromValues(raw, { goals: 'human', priceSeed: 1 }),
    { source: 'test', goalMode: 'human' },
    1,
  );
  const env = new WebshopEnv(catalog);
  const policy = createHeuristicPolicy('webshop');
  const ids = catalog.taskIds().slice(0, 25);
  let total = 0;
  for (const id of ids) {
    let { state, observation: task } = await env.reset(id);
    const history: HistoryStep[] = [];
    for (let d = 0; d < env.maxDepth; d++) {
      const messages = policyMessages({ env: 'webshop', taskId: id, task, history });
      // The goal (the env's hidden target) appears nowhere in what the policy receives.
      const goal = catalog.goalOf(id)!;
      assert.ok(
        !JSON.stringify(messages).includes(goal.asin) ||
          history.some((h) => h.observation.includes(goal.asin)),
      );
      const reply = parseReply(
        (await policy.propose(messages, 1, { seed: seedFrom(id, d) })).candidates[0]!,
      );
      const res = await env.step(state as WebshopState, reply.action);
      assert.equal(res.valid, true, `${id} step ${d}: ${reply.action}`);
      history.push({ text: reply.text, action: reply.action, observation: res.observation });
      state = res.state;
      if (res.done) {
        total += res.reward;
        break;
      }
    }
  }
  assert.ok(total / ids.length > 0.3, `mean reward ${total / ids.length}`);
});

test(
  'real WebShop observations read as the right page kinds',
  { skip: skipUnlessShared('webshop/obs-fixtures.json') },
  () => {
    const doc = JSON.parse(
      readFileSync(sharedData('webshop/obs-fixtures.json') as string, 'utf8'),
    ) as {
      fixtures: Array<{ page: string; observation: string; clickables: string[] }>;
    };
    const kinds: Record<string, string> = {
      init: 'init',
      search_results: 'results',
      item_sub: 'sub',
      item: 'item',
      done: 'done',
    };
    for (const f of doc.fixtures) {
      const page = readPage(f.observation);
      // Without entries (a page the agent has left) only a results page's list is missing.
      const light = readPage(f.observation, false);
      assert.equal(pageKind(f.observation), page?.kind, f.page);
      assert.deepEqual(light, page?.kind === 'results' ? { ...page, results: [] } : page, f.page);
      const expected = Object.entries(kinds).find(([k]) => f.page.startsWith(k))?.[1];
      if (expected) assert.equal(page?.kind, expected, f.page);
      if (page?.kind === 'item') {
        for (const g of page.options)
          for (const v of g.values) assert.ok(f.clickables.includes(v), `${v} is clickable`);
      }
      if (page?.kind === 'results')
        for (const r of page.results) assert.ok(f.clickables.includes(r.asin.toLowerCase()));
    }
  },
);

test(
  'real human instructions give non-empty searches',
  { skip: skipUnlessShared('webshop/human_goals.json') },
  async () => {
    const goals = JSON.parse(
      readFileSync(sharedData('webshop/human_goals.json') as string, 'utf8'),
    ) as string[];
    const policy = createHeuristicPolicy('webshop');
    for (const [i, text] of goals.slice(0, 300).entries()) {
      const task = `WebShop [SEP] Instruction: [SEP] ${text}, and price lower than 40.00 dollars [SEP] Search`;
      const messages = policyMessages({ env: 'webshop', taskId: `fixed_${i}`, task, history: [] });
      const reply = parseReply((await policy.propose(messages, 1, { seed: i })).candidates[0]!);
      assert.match(reply.action, /^search\[\S.*\]$/, text);
      assert.equal(readRequest(`${text}, and price lower than 40.00 dollars`).priceLimit, 40);
    }
  },
);

test('page segments are the [SEP] pieces, trimmed as String.prototype.trim does', () => {
  const rng = new Rng(3);
  const pieces = [
    'a',
    'Buy Now',
    ' ',
    '  ',
    '\t',
    '\n',
    '\u00a0',
    '\u0085',
    '\u2028',
    '\ufeff',
    '\u3000',
    ' [SEP] ',
    '[SEP]',
    ' [SEP',
    'SEP] ',
    '< Prev',
    'é',
  ];
  for (let i = 0; i < 5000; i++) {
    let text = '';
    for (let k = rng.int(12); k > 0; k--) text += rng.pick(pieces);
    const segments = new PageSegments(text);
    const got = Array.from({ length: segments.length }, (_, j) => segments.at(j));
    assert.deepEqual(
      got,
      text.split(' [SEP] ').map((s) => s.trim()),
      JSON.stringify(text),
    );
  }
});

test('pageKind is the kind readPage reads, whatever the segments (5,000 random pages)', () => {
  const rng = new Rng(5);
  const segments = [
    'WebShop',
    'Search',
    ' Search ',
    'Thank you for shopping with us!',
    'Instruction:',
    'Page 2 (Total results: 50)',
    'Page two',
    '< Prev',
    ' < Prev',
    'Price: $3.50',
    'Price:',
    'Buy Now',
    'Description',
    'B0ABCDEFGH',
    'a title',
    '',
    '\u00a0',
  ];
  const kinds = new Set<string | undefined>();
  for (let i = 0; i < 5000; i++) {
    const parts = Array.from({ length: 1 + rng.int(8) }, () => rng.pick(segments));
    const text = parts.join(' [SEP] ');
    const kind = readPage(text)?.kind;
    kinds.add(kind);
    assert.equal(pageKind(text), kind, JSON.stringify(text));
  }
  assert.equal(kinds.size, 6, 'every kind (and no page) came up');
});
