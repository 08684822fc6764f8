import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, sharedData, skipUnlessShared } from '../../testing/shared.js';
import { UserError } from '../../core/errors.js';
import { createWebshopBundle, loadWebshopCatalog } from './index.js';
import { WebshopEnv, parseWebshopAction, type WebshopState } from './env.js';
import { buildGoals, drawPriceUpper } from './goals.js';
import { paperSplits, seededSplits } from './splits.js';
import { Rng } from '../../core/rng.js';

const folder = fixture('webshop/folder');

async function fixtureEnv(): Promise<WebshopEnv> {
  return new WebshopEnv(await loadWebshopCatalog(folder), { seed: 1 });
}

test('action parsing follows parse_action', () => {
  assert.deepEqual(parseWebshopAction('search[red shoes]'), { name: 'search', arg: 'red shoes' });
  assert.deepEqual(
    parseWebshopAction('click[a[b]]'),
    { name: 'click[a', arg: 'b]' },
    'greedy name, as in Python',
  );
  assert.deepEqual(parseWebshopAction('click[]'), { name: 'click[]', arg: null });
  assert.deepEqual(parseWebshopAction('click [x] trailing'), { name: 'click ', arg: 'x' });
});

test('human goals: skip empty attributes, strip dots, price suffix, official shuffle', async () => {
  const catalog = await loadWebshopCatalog(folder);
  assert.equal(catalog.goals.length, 3);
  const texts = catalog.goals.map((g) => g.instructionText);
  // Pre-shuffle order: shoe, tea, table; CPython's seed-233 shuffle of 3 is [1, 0, 2].
  assert.deepEqual(
    catalog.goals.map((g) => g.asin),
    ['B000TEST03', 'B000TEST01', 'B000TEST05'],
  );
  assert.ok(
    texts.some((t) =>
      /^i need lightweight red running shoes in size 9, and price lower than \d+\.00 dollars$/.test(
        t,
      ),
    ),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) =>
      t.startsWith('i want sugar free green tea with mint flavor, and price lower than'),
    ),
  );
  assert.ok(texts.includes('i want a solid wood console table'), 'a price >= 980 gets no suffix');
  const table = catalog.goals.find((g) => g.asin === 'B000TEST05');
  assert.equal(table?.priceUpper, 1000000);
  assert.deepEqual(catalog.goals.find((g) => g.asin === 'B000TEST01')?.goalOptions, ['red', '9']);
});

test('synthetic goals: option combinations, sorted names, weights', async () => {
  const catalog = await loadWebshopCatalog(folder, { goals: 'synthetic' });
  const shoe = catalog.goals.filter((g) => g.asin === 'B000TEST01');
  assert.equal(shoe.length, 4);
  assert.ok(
    shoe.some((g) =>
      g.instructionText.startsWith(
        'Find me lightweight running shoes with rubber sole with color: navy blue | white, and size: 10, and price lower than',
      ),
    ),
  );
  assert.deepEqual(shoe[0]?.goalOptions.length, 2);
  const tea = catalog.goals.filter((g) => g.asin === 'B000TEST03');
  assert.equal(tea.length, 2);
  // "sugar free" appears in 2 goals, so each tea goal weighs 1/2; shoe attributes appear in 4 goals each.
  assert.equal(tea[0]?.weight, 0.5);
  assert.equal(shoe[0]?.weight, 0.25);
});

test('price constraint: 2 of the first 4 candidates, the larger one', () => {
  const rng = new Rng(3);
  const seen = new Map<number, number>();
  for (let i = 0; i < 6000; i++) {
    const { priceUpper, suffix } = drawPriceUpper(35, rng);
    seen.set(priceUpper, (seen.get(priceUpper) ?? 0) + 1);
    assert.equal(suffix, `, and price lower than ${priceUpper.toFixed(2)} dollars`);
  }
  assert.deepEqual([...seen.keys()].sort(), [50, 60, 70]);
  // P(2nd) = 1/6, P(3rd) = 2/6, P(4th) = 3/6
  assert.ok(Math.abs((seen.get(70) as number) / 6000 - 0.5) < 0.03);
  assert.ok(Math.abs((seen.get(50) as number) / 6000 - 1 / 6) < 0.03);
  assert.deepEqual(drawPriceUpper(985, rng), { priceUpper: 1000000, suffix: '' });
  assert.equal(drawPriceUpper(975, rng).priceUpper, 990);
});

test('a full episode: search, open, choose options, buy; reward and done page', async () => {
  const env = await fixtureEnv();
  const id = env.catalog
    .taskIds()
    .find((t) => env.catalog.goalOf(t)?.asin === 'B000TEST01') as string;
  const { state, observation } = await env.reset(id);
  assert.match(
    observation,
    /^WebShop \[SEP\] Instruction: \[SEP\] i need lightweight red running shoes/,
  );
  let r = await env.step(state, 'search[Lightweight red running shoes]');
  assert.ok(r.valid);
  assert.deepEqual(r.state.keywords, ['lightweight', 'red', 'running', 'shoes']);
  assert.match(
    r.observation,
    /Page 1 \(Total results: \d+\) \[SEP\] Next > \[SEP\] B000TEST01 \[SEP\] Acme Red Running Shoes/,
  );
  r = await env.step(r.state, 'click[b000test01]');
  assert.equal(r.state.asin, 'B000TEST01');
  assert.match(
    r.observation,
    /< Prev \[SEP\] color \[SEP\] red \[SEP\] navy blue \| white \[SEP\] size \[SEP\] 9 \[SEP\] 10 \[SEP\] Acme/,
  );
  r = await env.step(r.state, 'click[Red]');
  r = await env.step(r.state, 'click[10]');
  r = await env.step(r.state, 'click[9]');
  assert.deepEqual(
    r.state.options,
    { color: 'red', size: '9' },
    'one value per option, the last click wins',
  );
  const sub = await env.step(r.state, 'click[Features]');
  assert.match(sub.observation, /< Prev \[SEP\] Rubber sole \[SEP\] Breathable mesh upper$/);
  const back = await env.step(sub.state, 'click[< Prev]');
  assert.deepEqual(
    back.state,
    r.state,
    '< Prev from a sub-page returns to the item with options kept',
  );
  const bought = await env.step(r.state, 'click[Buy Now]');
  assert.equal(bought.done, true);
  assert.equal(bought.reward, 1);
  assert.equal(bought.info?.r_option, 1);
  assert.match(bought.observation, /Your score \(min 0\.0, max 1\.0\) \[SEP\] 1\.0 \[SEP\]/);
  assert.ok(env.returns.isSuccess(bought.reward));
  assert.equal(env.returns.depthLimit, -0.5);
  // The wrong product: the trail shoes share no content word 'lightweight'/'red' and have no options.
  const other = await env.step(
    (
      await env.step(
        (await env.step(state, 'search[acme trail running shoes women]')).state,
        'click[b000test02]',
      )
    ).state,
    'click[buy now]',
  );
  assert.ok(other.reward < 1 && other.reward >= 0);
});

test('invalid actions leave the state unchanged and show the same page', async () => {
  const env = await fixtureEnv();
  const { state, observation } = await env.reset('fixed_0');
  for (const action of [
    'click[buy now]',
    'search[]',
    'Search[shoes]',
    'click[search]',
    'jump[x]',
    'search shoes',
    '',
  ]) {
    const r = await env.step(state, action);
    assert.equal(r.valid, false, action);
    assert.equal(r.reward, 0);
    assert.equal(r.done, false);
    assert.deepEqual(r.state, state);
    assert.equal(r.observation, observation);
  }
  const results = await env.step(state, 'search[shoes]');
  assert.equal(
    (await env.step(results.state, 'click[< prev]')).valid,
    false,
    'no < Prev on page 1',
  );
  assert.equal(
    (await env.step(results.state, 'click[description]')).valid,
    false,
    'no Description on a results page',
  );
  assert.equal(
    (await env.step(results.state, 'click[b000test05]')).valid,
    results.observation.includes('B000TEST05'),
  );
  const item = await env.step(results.state, 'click[b000test01]');
  assert.equal(
    (await env.step(item.state, 'click[attributes]')).valid,
    false,
    'Attributes is hidden by default',
  );
  // search is valid on any page and clears asin and options
  const again = await env.step((await env.step(item.state, 'click[red]')).state, 'search[tea]');
  assert.equal(again.state.asin, null);
  assert.deepEqual(again.state.options, {});
  await assert.rejects(env.reset('fixed_99'), UserError);
  await assert.rejects(env.reset('task_0'), UserError);
});

test("a step checks actions against a clickables-only render: the same clickables as the page's", async () => {
  const env = await fixtureEnv();
  const rng = new Rng(2);
  let pages = 0;
  for (const task of ['fixed_0', 'fixed_1', 'fixed_2']) {
    let { state } = await env.reset(task);
    for (let step = 0; step < 40; step++) {
      const clickables = env.render(state).clickables;
      assert.deepEqual(env.render(state, 'clickables').clickables, clickables, state.page);
      pages++;
      const choices = [...clickables.keys()].filter((c) => c !== 'buy now');
      const action =
        rng.chance(0.2) || choices.length === 0 ? 'search[tea red]' : `click[${rng.pick(choices)}]`;
      state = (await env.step(state, action)).state;
    }
  }
  assert.equal(pages, 120);
});

test('states are plain JSON: branches from one state do not affect each other', async () => {
  const env = await fixtureEnv();
  const { state } = await env.reset('fixed_0');
  const results = await env.step(state, 'search[running shoes]');
  const frozen = JSON.stringify(results.state);
  const a = await env.step(results.state, 'click[b000test01]');
  const a2 = await env.step(a.state, 'click[red]');
  const b = await env.step(results.state, 'click[next >]');
  assert.equal(JSON.stringify(results.state), frozen, 'stepping never mutates the given state');
  assert.equal(b.state.pageNum, 2);
  assert.match(b.observation, /Page 2 \(Total results: \d+\) \[SEP\] < Prev \[SEP\] Next >$/);
  const restored = JSON.parse(JSON.stringify(a2.state)) as WebshopState;
  const replay1 = await env.step(restored, 'click[buy now]');
  const replay2 = await env.step(a2.state, 'click[buy now]');
  assert.deepEqual(replay1, replay2, 'a state restored from JSON behaves identically');
  assert.ok(
    !JSON.stringify(a2.state).includes('lightweight red'),
    'the goal text is not stored in the state',
  );
  const prev = await env.step(a.state, 'click[< prev]');
  assert.equal(prev.state.page, 'results');
  assert.equal(prev.observation, results.observation);
  const home = await env.step(a2.state, 'click[back to search]');
  assert.deepEqual(home.state, state);
});

test('bundle: builtin data by default, fixture folder, seeded 60/40 split', async () => {
  const bundle = await createWebshopBundle({ data: folder, seed: 0 });
  assert.equal(bundle.tasks.ids.length, 3);
  assert.deepEqual(
    [...(bundle.tasks.splits.train ?? []), ...(bundle.tasks.splits.test ?? [])].sort(),
    [...bundle.tasks.ids].sort(),
  );
  assert.equal(bundle.tasks.splits.train?.length, 2);
  assert.deepEqual(
    seededSplits(['a', 'b', 'c', 'd', 'e']),
    seededSplits(['a', 'b', 'c', 'd', 'e']),
  );
  await assert.rejects(createWebshopBundle({ data: 'builtin:nope', seed: 0 }), UserError);
  await assert.rejects(
    createWebshopBundle({ data: fixture('webshop/missing'), seed: 0 }),
    UserError,
  );
});

test('builtin:shop goes through the same loader', async () => {
  const bundle = await createWebshopBundle({ data: 'builtin:shop:200', seed: 0 });
  assert.match(bundle.source, /builtin:shop:200 \(200 products/);
  const env = bundle.env as unknown as WebshopEnv;
  const { state } = await env.reset(bundle.tasks.ids[0] as string);
  const r = await env.step(state, 'search[shoes]');
  assert.ok(r.valid);
});

test(
  'paper splits: train minus the 8 ids also in test',
  { skip: skipUnlessShared('webshop/splits/paper_train_indices.json') },
  () => {
    const dir = sharedData('webshop/splits') as string;
    const splits = paperSplits(
      { train: `${dir}/paper_train_indices.json`, test: `${dir}/paper_test_indices.json` },
      12087,
    );
    assert.equal(splits.test?.length, 100);
    assert.equal(splits.train?.length, 992);
    const test = new Set(splits.test);
    assert.ok(splits.train?.every((id) => !test.has(id)));
    assert.throws(
      () =>
        paperSplits(
          { train: `${dir}/paper_train_indices.json`, test: `${dir}/paper_test_indices.json` },
          100,
        ),
      /out of range/,
    );
  },
);

test('buildGoals applies the CPython permutation: goals[i] = pre-shuffle goal perm[i]', () => {
  // buildGoals applies the permutation: goals[i] = pre-shuffle goal perm[i].
  const products = [1, 2, 3, 4, 5].map((i) => ({
    asin: `B${i}`,
    name: `n${i}`,
    title: `n${i}`,
    description: '',
    bulletPoints: [],
    priceTag: '$1.0',
    pricing: [1],
    hiddenPrice: 1,
    options: [],
    attributes: [],
    category: '',
    query: '',
    productCategory: '',
    mainImage: '',
    humanInstructions: [
      { instruction: `goal ${i}`, instruction_attributes: ['a'], instruction_options: [] },
    ],
  }));
  const goals = buildGoals(products, 'human', 0);
  assert.deepEqual(
    goals.map((g) => g.asin),
    ['B3', 'B1', 'B4', 'B5', 'B2'],
  ); // perm(5) = [2, 0, 3, 4, 1]
});
