import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { HotpotqaEnv } from './env.js';
import { extractSentences, LiveWiki } from './live-wiki.js';

// A tiny stand-in for MediaWiki's api.php (formatversion=2 JSON shapes).
const PAGES: Record<string, { extract: string; disambiguation?: boolean }> = {
  'Scott Derrickson': {
    extract:
      'Scott Derrickson (born July 16, 1966) is an American filmmaker. He lives in Los Angeles, California.\n\n\n== Career ==\n' +
      'Derrickson directed Sinister in 2012. He also directed Doctor Strange. Derrickson grew up in Denver. His films are mostly horror films. Short line\nSee also',
  },
  'Ed Wood': {
    extract:
      'Edward Davis Wood Jr. (1924 – 1978) was an American filmmaker. He made low-budget films.',
  },
  Mercury: { extract: 'Mercury may refer to: a planet, an element.', disambiguation: true },
};
const REDIRECTS: Record<string, string> = { Derrickson: 'Scott Derrickson' };

function startWiki(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.search);
    if (url.pathname !== '/w/api.php') {
      res.writeHead(404).end('not found');
      return;
    }
    const p = url.searchParams;
    let body: unknown;
    if (p.get('list') === 'search') {
      const q = (p.get('srsearch') ?? '').toLowerCase();
      const words = q.split(/\s+/);
      const titles = [
        ...Object.keys(PAGES),
        'Sinister (film)',
        'Doctor Strange (2016 film)',
      ].filter((t) => words.some((w) => t.toLowerCase().includes(w)));
      body = { batchcomplete: true, query: { search: titles.map((title) => ({ ns: 0, title })) } };
    } else {
      const asked = p.get('titles') ?? '';
      const title = REDIRECTS[asked] ?? asked;
      const page = PAGES[title];
      body = {
        batchcomplete: true,
        query: {
          pages: [
            page
              ? {
                  pageid: 1,
                  ns: 0,
                  title,
                  extract: page.extract,
                  ...(page.disambiguation ? { pageprops: { disambiguation: '' } } : {}),
                }
              : { ns: 0, title: asked, missing: true },
          ],
        },
      };
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/w/api.php`,
        requests,
      }),
    ),
  );
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

test('extracts become sentences without headings or short lines', () => {
  assert.deepEqual(
    extractSentences(
      'A first sentence here. A second one here.\n== Heading ==\nToo short\nAnother paragraph with words.',
    ),
    ['A first sentence here.', 'A second one here.', 'Another paragraph with words.'],
  );
});

test('live Wikipedia: hit, redirect, case-insensitive near match, miss, disambiguation, lookup', async () => {
  const { server, url } = await startWiki();
  try {
    const wiki = new LiveWiki({
      baseUrl: url,
      cacheDir: mkdtempSync(join(tmpdir(), 'stepq-wiki-')),
      retries: 0,
    });
    const env = new HotpotqaEnv(
      [{ id: 'q', question: 'Where did Derrickson grow up?', answer: 'Denver' }],
      wiki,
    );
    const { state } = await env.reset('q');
    const hit = await env.step(state, 'Search[Scott Derrickson]');
    assert.equal(
      hit.observation,
      'Scott Derrickson (born July 16, 1966) is an American filmmaker. He lives in Los Angeles, California. Derrickson directed Sinister in 2012. He also directed Doctor Strange. Derrickson grew up in Denver.',
    );
    assert.equal(
      (await env.step(state, 'Search[Derrickson]')).state.page,
      'Scott Derrickson',
      'redirects are followed',
    );
    assert.equal(
      (await env.step(state, 'Search[ed wood]')).state.page,
      'Ed Wood',
      'a search result with the same title key is a hit',
    );
    const miss = await env.step(hit.state, 'Search[Sinister]');
    assert.equal(miss.observation, "Could not find Sinister. Similar: ['Sinister (film)'].");
    assert.equal(miss.state.page, 'Scott Derrickson');
    const ambiguous = await env.step(hit.state, 'Search[Mercury]');
    assert.equal(ambiguous.observation, "Could not find Mercury. Similar: ['Mercury'].");
    const l1 = await env.step(hit.state, 'Lookup[horror]');
    assert.equal(l1.observation, '(Result 1 / 1) His films are mostly horror films.');
  } finally {
    await close(server);
  }
});

test('live Wikipedia: responses are cached on disk and replayed without the server', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'stepq-wiki-'));
  const { server, url, requests } = await startWiki();
  const first = new LiveWiki({ baseUrl: url, cacheDir, retries: 0 });
  const a = await first.search('Scott Derrickson');
  await first.search('Scott Derrickson');
  await close(server);
  assert.equal(requests.length, 1, 'the second search came from memory');
  assert.ok(readdirSync(cacheDir).length >= 1);
  assert.ok(!readdirSync(cacheDir).some((f) => f.endsWith('.tmp')));
  const replay = new LiveWiki({ baseUrl: url, cacheDir, retries: 0 });
  assert.deepEqual(await replay.search('Scott Derrickson'), a);
  await assert.rejects(
    replay.search('Ed Wood'),
    (err: unknown) =>
      err instanceof UserError && /cannot reach .*use the offline wiki/.test(err.message),
  );
});

test('live Wikipedia: HTTP errors are UserErrors', async () => {
  const { server, url } = await startWiki();
  try {
    const wiki = new LiveWiki({
      baseUrl: url.replace('/w/api.php', '/nope'),
      cacheDir: mkdtempSync(join(tmpdir(), 'stepq-wiki-')),
      retries: 0,
    });
    await assert.rejects(
      wiki.search('Ed Wood'),
      (err: unknown) => err instanceof UserError && /HTTP 404/.test(err.message),
    );
  } finally {
    await close(server);
  }
});
