import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { fixture } from '../testing/shared.js';
import { writeScaleRun } from './testing/scale-fixture.js';
import { startViewer, type Viewer } from './server.js';

/** A raw GET (fetch would normalise `..` away before sending). */
function get(
  viewer: Viewer,
  path: string,
  host = `127.0.0.1:${viewer.port}`,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: viewer.port, path, headers: { host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function getJson(viewer: Viewer, path: string): Promise<any> {
  const res = await get(viewer, path);
  assert.equal(res.status, 200, `${path}: ${res.body}`);
  return JSON.parse(res.body);
}

describe('viewer server on the fixture run', () => {
  let viewer: Viewer;
  before(async () => {
    viewer = await startViewer(fixture('run'), 0);
  });
  after(async () => viewer.close());

  test('listens on 127.0.0.1 only', () => {
    const address = viewer.server.address();
    assert.ok(address && typeof address === 'object');
    assert.equal(address.address, '127.0.0.1');
    assert.match(viewer.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test('summary and paged task list with filters', async () => {
    const summary = await getJson(viewer, '/api/summary');
    assert.equal(summary.trees, 4);
    assert.deepEqual(
      summary.arms.map((a: { key: string }) => a.key),
      ['greedy', 'best-of-n-random n=5', 'qguided n=5'],
    );
    assert.equal(summary.tasks, 12); // 4 train tasks with trees + 8 test tasks
    const page = await getJson(viewer, '/api/tasks?offset=2&limit=3');
    assert.equal(page.total, 12);
    assert.equal(page.rows.length, 3);
    const trees = await getJson(viewer, '/api/tasks?kind=tree&limit=100');
    assert.equal(trees.total, 4);
    const search = await getJson(viewer, '/api/tasks?q=SYN-0002');
    assert.deepEqual(
      search.rows.map((r: { taskId: string }) => r.taskId),
      ['syn-0002'],
    );
    assert.equal(search.rows[0].runs.length, 3);
    const failed = await getJson(viewer, '/api/tasks?outcome=failure&limit=100');
    for (const row of failed.rows)
      assert.ok(!row.tree?.solved && row.runs.every((r: { success: boolean }) => !r.success));
    assert.equal((await get(viewer, '/api/tasks?limit=abc')).status, 400);
  });

  test('a tree comes in slices: children only as deep as asked, plus the best path', async () => {
    const shallow = await getJson(viewer, '/api/tree/syn-0000?depth=1');
    assert.ok(shallow.node.children.length > 0);
    assert.ok(shallow.node.children.every((c: { children?: unknown }) => c.children === undefined));
    assert.deepEqual(shallow.header.bestPath, [0, 1, 3]);
    const withBest = await getJson(viewer, '/api/tree/syn-0000?depth=1&best=1');
    const step1 = withBest.node.children[0];
    assert.equal(step1.onBestPath, true);
    assert.equal(step1.children[1].onBestPath, true);
    assert.equal(step1.children[1].children[3].terminal, true);
    const sub = await getJson(viewer, '/api/tree/syn-0000?path=0&depth=1');
    assert.deepEqual(sub.node.path, [0]);
    assert.equal(sub.node.children.length, sub.node.childCount);
    assert.equal((await get(viewer, '/api/tree/syn-0000?path=99')).status, 404);
    assert.equal((await get(viewer, '/api/tree/no-such-task')).status, 404);
  });

  test('a node comes with the conversation up to it, markup kept as plain text', async () => {
    const detail = await getJson(viewer, '/api/node/syn-0000?path=0');
    assert.equal(detail.node.action, 'Search[Falk Vailworth]');
    const last = detail.conversation.at(-1);
    assert.equal(last.role, 'user');
    assert.match(last.content, /<script>window.__stepqXss = 1<\/script>/);
    assert.equal(detail.conversation.at(-2).content, detail.node.text);
  });

  test('trajectories of all arms, pairs and training history of a task', async () => {
    const traj = await getJson(viewer, '/api/trajectories/syn-0002');
    assert.deepEqual(
      traj.runs.map((r: { arm: string }) => r.arm),
      ['greedy', 'best-of-n-random n=5', 'qguided n=5'],
    );
    const guided = traj.runs[2].trajectory;
    assert.ok(guided.steps[0].candidates.length > 1);
    assert.ok(guided.steps[0].candidates.every((c: { q?: number }) => typeof c.q === 'number'));
    const pairs = await getJson(viewer, '/api/pairs/syn-0000');
    assert.ok(pairs.pairs.length > 0);
    for (const p of pairs.pairs)
      assert.ok(Math.abs(p.gap - (p.chosenQ - p.rejectedQ)) < 1e-12 && p.gap > 0);
    const training = await getJson(viewer, '/api/training');
    assert.equal(training.models[0].name, 'qmodel');
    assert.ok(training.models[0].history.length > 0);
    assert.match(training.svg, /^<svg/);
  });

  test('static files are a fixed list; paths out of it are refused', async () => {
    const page = await get(viewer, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<script type="module" src="\/app.js">/);
    assert.equal((await get(viewer, '/vendor/preact.mjs')).status, 200);
    for (const path of [
      '/../../../etc/passwd',
      '/vendor/../../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fpackage.json',
      '/src/view/server.ts',
      '/api/tree/..%2F..%2F..%2Fetc%2Fpasswd',
      '/api/task/%2e%2e',
    ]) {
      const res = await get(viewer, path);
      assert.ok(res.status === 400 || res.status === 404, `${path}: status ${res.status}`);
      assert.doesNotMatch(res.body, /root:|"name": "stepq"|import /, path);
    }
  });

  test('a foreign Host header is refused (DNS rebinding)', async () => {
    assert.equal((await get(viewer, '/api/summary', 'evil.example:80')).status, 403);
  });
});

describe('viewer server at scale', () => {
  let dir: string;
  let viewer: Viewer;
  before(async () => {
    dir = writeScaleRun();
    viewer = await startViewer(dir, 0);
  });
  after(async () => {
    await viewer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('1,000 tasks come in pages', async () => {
    const page = await get(viewer, '/api/tasks?offset=900&limit=100');
    const body = JSON.parse(page.body);
    assert.equal(body.total, 1001);
    assert.equal(body.rows.length, 100);
    assert.ok(page.body.length < 50_000, `page of 100 rows is ${page.body.length} bytes`);
    assert.equal(JSON.parse((await get(viewer, '/api/tasks?limit=100000')).body).rows.length, 500);
  });

  test('a 5,000-node tree is sent a slice at a time', async () => {
    const started = performance.now();
    const first = await get(viewer, '/api/tree/big?depth=1&best=1');
    const body = JSON.parse(first.body);
    assert.equal(body.header.stats.nodes, 5005);
    assert.equal(body.node.children.length, 5);
    assert.ok(first.body.length < 10_000, `first slice is ${first.body.length} bytes`);
    const deep = JSON.parse((await get(viewer, '/api/tree/big?path=2.7&depth=1')).body);
    assert.equal(deep.node.children.length, 49);
    assert.ok(performance.now() - started < 3000);
  });
});
