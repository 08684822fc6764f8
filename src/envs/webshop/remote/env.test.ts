import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fixture, sharedData, skipUnlessShared } from '../../../testing/shared.js';
import { htmlToObservation } from '../html-text.js';
import { createRemoteWebshopEnv, RemoteWebshopEnv } from './env.js';
import { pathOf, pyReprDict, pyReprList } from './urls.js';

interface Pages {
  init: string;
  results: string;
  item: string;
  sub: string;
  done: string;
}

function fixturePages(): Pages {
  const read = (name: string) => readFileSync(fixture(`webshop-remote/${name}`), 'utf8');
  return {
    init: read('init.html'),
    results: read('results.html'),
    item: read('item.html'),
    sub: read('features.html'),
    done: read('done.html'),
  };
}

/** A stand-in WebShop server on 127.0.0.1:0 with `goals` sessions; it records every path asked for. */
async function startServer(
  pages: Pages,
  goals = 3,
): Promise<{ url: string; paths: string[]; server: Server }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '/');
    paths.push(path);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    const session = /^\/(?:search_results|item_page|item_sub_page|done)?\/?(fixed_(\d+))/.exec(
      path,
    );
    if (!session || Number(session[2]) >= goals) return send(500, 'Internal Server Error');
    if (path.startsWith('/search_results/')) return send(200, pages.results);
    if (path.startsWith('/item_page/')) return send(200, pages.item);
    if (path.startsWith('/item_sub_page/')) return send(200, pages.sub);
    if (path.startsWith('/done/')) return send(200, pages.done);
    return send(200, pages.init);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, paths, server };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

test('URLs carry the state as the Flask routes expect (Python reprs)', () => {
  assert.equal(pyReprList(['red', "men's", 'shoes']), `['red', "men's", 'shoes']`);
  assert.equal(pyReprDict({ color: 'black', size: '9' }), `{'color': 'black', 'size': '9'}`);
  const state = {
    task: 'fixed_3',
    page: 'item' as const,
    keywords: ['a/b', 'c'],
    pageNum: 2,
    asin: 'B0X',
    options: { size: '9' },
    subPage: null,
    reward: null,
  };
  assert.equal(
    decodeURIComponent(pathOf(state)),
    `/item_page/fixed_3/B0X/['a b', 'c']/2/{'size': '9'}`,
  );
  assert.equal(
    decodeURIComponent(pathOf({ ...state, page: 'done' })),
    `/done/fixed_3/B0X/{'size': '9'}`,
  );
});

test('the remote env walks a session through the fixture pages', async () => {
  const { url, paths, server } = await startServer(fixturePages());
  try {
    const bundle = await createRemoteWebshopEnv(url, { seed: 0 });
    assert.deepEqual(
      bundle.tasks.ids,
      ['fixed_0', 'fixed_1', 'fixed_2'],
      'goal count probed from the server',
    );
    const env = bundle.env as RemoteWebshopEnv;
    const start = await env.reset('fixed_0');
    assert.equal(
      start.observation,
      'WebShop [SEP] Instruction: [SEP] i need a pair of grey running shoes in size 9, and price lower than 60.00 dollars [SEP] Search',
    );

    const invalid = await env.step(start.state, 'click[B0TEST0001]');
    assert.equal(invalid.valid, false);
    assert.deepEqual(invalid.state, start.state);
    assert.equal(invalid.observation, start.observation);

    const results = await env.step(start.state, 'search[Grey Running Shoes]');
    assert.equal(results.valid, true);
    assert.deepEqual(results.state.keywords, ['grey', 'running', 'shoes']);
    assert.ok(paths.includes(`/search_results/fixed_0/['grey', 'running', 'shoes']/1`));
    assert.match(
      results.observation,
      /Page 1 \(Total results: 2\) \[SEP\] Next > \[SEP\] B0TEST0001 \[SEP\] Trailfox Men's Running Shoes, Breathable Mesh \[SEP\] \$39\.99 to \$49\.99/,
    );
    assert.doesNotMatch(results.observation, /fashion/, 'commented-out blocks are not shown');

    const item = await env.step(results.state, 'click[b0test0001]');
    assert.equal(item.state.asin, 'B0TEST0001');
    assert.match(
      item.observation,
      /< Prev \[SEP\] color \[SEP\] black \[SEP\] grey \[SEP\] size \[SEP\] 8 \[SEP\] 9 \[SEP\] Trailfox/,
    );

    const grey = await env.step(item.state, 'click[grey]');
    const nine = await env.step(grey.state, 'click[9]');
    assert.deepEqual(nine.state.options, { color: 'grey', size: '9' });
    assert.ok(
      paths.includes(
        `/item_page/fixed_0/B0TEST0001/['grey', 'running', 'shoes']/1/{'color': 'grey', 'size': '9'}`,
      ),
    );

    const features = await env.step(nine.state, 'click[Features]');
    assert.equal(features.state.page, 'sub');
    assert.match(features.observation, /< Prev \[SEP\] Rubber sole \[SEP\] Breathable knit upper$/);
    const back = await env.step(features.state, 'click[< Prev]');
    assert.equal(back.state.page, 'item');
    assert.deepEqual(
      back.state.options,
      { color: 'grey', size: '9' },
      'options survive a sub-page visit',
    );

    const bought = await env.step(back.state, 'click[Buy Now]');
    assert.equal(bought.done, true);
    assert.equal(bought.reward, 0.75);
    assert.ok(paths.includes(`/done/fixed_0/B0TEST0001/{'color': 'grey', 'size': '9'}`));
    assert.match(bought.observation, /^Thank you for shopping with us!/);
    assert.doesNotMatch(
      bought.observation,
      /instuction text \[SEP\] i need/,
      'the server goal block is not shown',
    );

    // Branches do not interfere: an older state still resumes from its own page.
    const otherBranch = await env.step(results.state, 'click[Next >]');
    assert.equal(otherBranch.state.pageNum, 2);
    assert.equal((await env.step(item.state, 'click[< Prev]')).state.page, 'results');
  } finally {
    await close(server);
  }
});

test('a server without the session answers 500: a clear error', async () => {
  const { url, server } = await startServer(fixturePages(), 1);
  try {
    const env = new RemoteWebshopEnv(url, { retries: 0 });
    await assert.rejects(env.reset('fixed_5'), /fixed_5/);
    await assert.rejects(env.reset('task-1'), /unknown task/);
  } finally {
    await close(server);
  }
  await assert.rejects(createRemoteWebshopEnv('not a url', { seed: 0 }), /not a URL/);
});

test(
  'recorded real pages parse into the same text as the shared extractor',
  { skip: skipUnlessShared('webshop/pages/mock_parse_item_page_ws') },
  async () => {
    const read = (name: string) =>
      readFileSync(sharedData(`webshop/pages/${name}`) as string, 'utf8');
    const pages = {
      ...fixturePages(),
      results: read('mock_parse_results_ws'),
      item: read('mock_parse_item_page_ws'),
      sub: read('mock_parse_item_page_ws_feat'),
    };
    const { url, server } = await startServer(pages);
    try {
      const env = new RemoteWebshopEnv(url);
      const start = await env.reset('fixed_1');
      const results = await env.step(start.state, 'search[red basketball shoes]');
      assert.equal(results.observation, htmlToObservation(pages.results));
      const item = await env.step(results.state, 'click[B09GKFNQWT]');
      assert.equal(item.valid, true);
      assert.equal(item.observation, htmlToObservation(pages.item));
      const picked = await env.step(item.state, 'click[purple]');
      assert.deepEqual(picked.state.options, { color: 'purple' });
      const size = await env.step(picked.state, 'click[8.5]');
      assert.deepEqual(size.state.options, { color: 'purple', size: '8.5' });
      const feat = await env.step(size.state, 'click[features]');
      assert.equal(feat.observation, htmlToObservation(pages.sub));
      assert.equal(
        (await env.step(size.state, 'click[Attributes]')).valid,
        false,
        'no Attributes button on the default page',
      );
    } finally {
      await close(server);
    }
  },
);
