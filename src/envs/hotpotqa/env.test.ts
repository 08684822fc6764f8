import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, sharedData, skipUnlessShared } from '../../testing/shared.js';
import { createHotpotqaBundle, HotpotqaEnv, type HotpotqaState } from './index.js';
import { loadHotpotqaFile } from './loader.js';
import { OfflineWiki } from './offline-wiki.js';

function tinyEnv(): HotpotqaEnv {
  const data = loadHotpotqaFile(fixture('hotpotqa/tiny.json'));
  return new HotpotqaEnv(data.tasks, new OfflineWiki(data.paragraphs ?? []));
}

test('reset shows the question; the returns follow the documented rules', async () => {
  const env = tinyEnv();
  const { state, observation } = await env.reset('t-0');
  assert.equal(observation, 'Question: In which city was the architect of the Lumen Tower born?');
  assert.deepEqual(state, { task: 't-0', page: null, lookup: null });
  assert.equal(env.maxDepth, 7);
  assert.equal(env.returns.terminal(1), 1);
  assert.equal(env.returns.terminal(0), -1);
  assert.equal(env.returns.depthLimit, -1);
  assert.equal(env.returns.isSuccess(1), true);
  assert.equal(env.returns.isSuccess(0), false);
});

test('Search: exact hit shows the first 5 sentences; accents and case are ignored', async () => {
  const env = tinyEnv();
  const { state } = await env.reset('t-0');
  const hit = await env.step(state, 'search[ada KORSGAARD]');
  assert.equal(
    hit.observation,
    'Ada Korsgaard (born 1950) is an architect. She was born in Port Ellery. Korsgaard moved to Halden in 1975. She was born again in spirit in Halden, she says. Her first building was a school.',
  );
  assert.equal(hit.state.page, 'Ada Korsgaard');
  assert.equal(hit.valid, true);
  const accented = await env.step(hit.state, 'Search[Bjorn Ullsvik]');
  assert.equal(accented.state.page, 'Björn Ullsvik');
});

test('Search: a miss lists similar titles in Python list form and keeps the page', async () => {
  const env = tinyEnv();
  const { state } = await env.reset('t-0');
  const on = (await env.step(state, 'Search[Lumen Tower]')).state;
  const miss = await env.step(on, 'Search[Halden pub]');
  assert.match(miss.observation, /^Could not find Halden pub\. Similar: \[.*\]\.$/);
  assert.ok(miss.observation.includes(`"O'Brien's Halden"`), miss.observation);
  assert.equal(miss.state.page, 'Lumen Tower');
});

test('Lookup: cursor, new keyword, end of results, no page', async () => {
  const env = tinyEnv();
  const { state } = await env.reset('t-0');
  assert.equal(
    (await env.step(state, 'Lookup[born]')).observation,
    'No page loaded yet. Use Search[entity] first.',
  );
  const page = (await env.step(state, 'Search[Ada Korsgaard]')).state;
  const r1 = await env.step(page, 'Lookup[Born]');
  assert.equal(r1.observation, '(Result 1 / 3) Ada Korsgaard (born 1950) is an architect.');
  const r2 = await env.step(r1.state, 'lookup[born]');
  assert.equal(r2.observation, '(Result 2 / 3) She was born in Port Ellery.');
  const r3 = await env.step(r2.state, 'Lookup[born]');
  assert.equal(r3.observation, '(Result 3 / 3) She was born again in spirit in Halden, she says.');
  assert.equal((await env.step(r3.state, 'Lookup[born]')).observation, 'No more results.');
  const other = await env.step(r2.state, 'Lookup[building]');
  assert.equal(other.observation, '(Result 1 / 2) Her first building was a school.');
  // The sixth sentence is not in the Search preview but Lookup still finds it.
  assert.equal(
    (await env.step(other.state, 'Lookup[building]')).observation,
    '(Result 2 / 2) Her last building was a library.',
  );
  // A new Search resets the lookup.
  const again = await env.step(r2.state, 'Search[Ada Korsgaard]');
  assert.equal(
    (await env.step(again.state, 'Lookup[born]')).observation,
    '(Result 1 / 3) Ada Korsgaard (born 1950) is an architect.',
  );
});

test('two states derived from the same parent never share a cursor; states resume from JSON', async () => {
  const env = tinyEnv();
  const { state } = await env.reset('t-0');
  const parent = (await env.step(state, 'Search[Ada Korsgaard]')).state;
  const a1 = await env.step(parent, 'Lookup[born]');
  const b1 = await env.step(parent, 'Lookup[born]');
  assert.equal(a1.observation, b1.observation);
  const a2 = await env.step(a1.state, 'Lookup[born]');
  assert.match(a2.observation, /^\(Result 2 \/ 3\)/);
  const b2 = await env.step(b1.state, 'Lookup[born]');
  assert.match(b2.observation, /^\(Result 2 \/ 3\)/, 'advancing a sibling did not move this one');
  assert.deepEqual(
    parent,
    { task: 't-0', page: 'Ada Korsgaard', lookup: null },
    'the parent is untouched',
  );
  const revived = JSON.parse(JSON.stringify(a2.state)) as HotpotqaState;
  assert.equal(
    (await env.step(revived, 'Lookup[born]')).observation,
    '(Result 3 / 3) She was born again in spirit in Halden, she says.',
  );
});

test('Finish: EM after normalisation, F1 in info; Think; invalid actions leave the state alone', async () => {
  const env = tinyEnv();
  const { state } = await env.reset('t-0');
  const right = await env.step(state, 'Finish[port ellery.]');
  assert.deepEqual(
    { obs: right.observation, reward: right.reward, done: right.done, info: right.info },
    { obs: 'Episode finished, reward = 1', reward: 1, done: true, info: { em: 1, f1: 1 } },
  );
  const wrong = await env.step(state, 'FINISH[Ellery]');
  assert.equal(wrong.observation, 'Episode finished, reward = 0');
  assert.equal(wrong.reward, 0);
  assert.ok(Math.abs((wrong.info?.f1 ?? 0) - 2 / 3) < 1e-12);
  assert.equal((await env.step(state, 'Think[the tower first]')).observation, 'Nice thought.');
  for (const bad of ['Jump[x]', '', 'Search Lumen Tower', 'Search[]', 'Finish[ ]', 'Lookup[]']) {
    const r = await env.step(state, bad);
    assert.deepEqual(
      { obs: r.observation, valid: r.valid, reward: r.reward, done: r.done, state: r.state },
      { obs: `Invalid action: ${bad.trim()}`, valid: false, reward: 0, done: false, state },
    );
  }
});

const REAL = 'hotpotqa/hotpot_dev_distractor_first100.json';

test(
  'real dev questions: search hit, similar titles, lookup, finish',
  { skip: skipUnlessShared(REAL) },
  async () => {
    const bundle = await createHotpotqaBundle({ data: sharedData(REAL), seed: 0 });
    assert.equal(bundle.tasks.ids.length, 100);
    assert.equal(bundle.tasks.ids[0], 'dev-000');
    const env = bundle.env as HotpotqaEnv;
    const { state, observation } = await env.reset('dev-000');
    assert.equal(
      observation,
      'Question: Were Scott Derrickson and Ed Wood of the same nationality?',
    );
    const hit = await env.step(state, 'Search[Scott Derrickson]');
    assert.ok(
      hit.observation.startsWith(
        'Scott Derrickson (born July 16, 1966) is an American director, screenwriter and producer. He lives in Los Angeles, California.',
      ),
      hit.observation,
    );
    const miss = await env.step(hit.state, 'Search[Derrickson]');
    assert.match(miss.observation, /^Could not find Derrickson\. Similar: \['.*'\]\.$/);
    assert.ok(miss.observation.includes("'Scott Derrickson'"), miss.observation);
    assert.equal(miss.state.page, 'Scott Derrickson');
    const look = await env.step(miss.state, 'Lookup[american]');
    assert.equal(
      look.observation,
      '(Result 1 / 1) Scott Derrickson (born July 16, 1966) is an American director, screenwriter and producer.',
    );
    const fin = await env.step(look.state, 'Finish[Yes]');
    assert.deepEqual([fin.reward, fin.info], [1, { em: 1, f1: 1 }]);
    const { state: s1 } = await env.reset('dev-001');
    const f1 = await env.step(s1, 'Finish[the chief of protocol!]');
    assert.equal(f1.reward, 1);
  },
);
