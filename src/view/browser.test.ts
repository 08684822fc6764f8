/**
 * End-to-end: Debian's Chromium driven by playwright-core (never a browser download) over
 * the viewer on the fixture run, and the report opened from a file with the network off.
 * Skips when /usr/bin/chromium is absent. STEPQ_SCREENSHOTS=docs/img refreshes the docs' images.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { fixture } from '../testing/shared.js';
import { startViewer, type Viewer } from './server.js';
import { writeReport } from './report.js';
import { writeScaleRun } from './testing/scale-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} not found: browser tests skipped (CI installs Debian's chromium package)`;

describe('viewer and report in a browser', { skip }, () => {
  let viewer: Viewer;
  let scaleDir: string;
  let scale: Viewer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let shots: string;
  let reportFile: string;
  const pageErrors: string[] = [];
  const offsite: string[] = [];
  /** Viewers a test starts of its own, whose pages may load too. */
  const extraOrigins: string[] = [];

  before(async () => {
    viewer = await startViewer(fixture('run'), 0);
    scaleDir = writeScaleRun();
    scale = await startViewer(scaleDir, 0);
    profile = mkdtempSync(join(tmpdir(), 'stepq-chromium-'));
    shots = process.env.STEPQ_SCREENSHOTS
      ? resolve(process.env.STEPQ_SCREENSHOTS)
      : join(profile, 'shots');
    mkdirSync(shots, { recursive: true });
    reportFile = writeReport(fixture('run'), join(profile, 'report.html'), {
      viewerUrl: viewer.url,
    });
    context = await chromium.launchPersistentContext(join(profile, 'user-data'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 900 },
    });
    // Everything must come from the viewer itself (or the report file): the rest is refused and noted.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (
        [viewer.url, scale.url, ...extraOrigins].some((u) => url.startsWith(u)) ||
        url.startsWith('file://')
      )
        return route.continue();
      offsite.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`${msg.text()} (${msg.location().url})`);
    });
  });

  after(async () => {
    await context?.close();
    await viewer?.close();
    await scale?.close();
    if (scaleDir) rmSync(scaleDir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the page lists the files the viewer left out, not only the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepq-view-leftout-'));
    cpSync(fixture('run'), dir, { recursive: true });
    writeFileSync(join(dir, 'collect', 'trees', 'broken.json'), '{"garbage"');
    const broken = await startViewer(dir, 0);
    extraOrigins.push(broken.url); // a third viewer of this test's own
    try {
      await page.goto(broken.url);
      const leftOut = page.getByTestId('left-out');
      await leftOut.waitFor();
      assert.match(await leftOut.innerText(), /1 file\(s\) left out/);
      await leftOut.locator('summary').click();
      assert.match(await leftOut.innerText(), /broken\.json/);
    } finally {
      await broken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('task list: rows from the index, search filters them', async () => {
    await page.goto(viewer.url);
    await page.getByTestId('task-count').filter({ hasText: '12 tasks' }).waitFor();
    assert.equal(await page.locator('.task-row').count(), 12);
    assert.match(
      await page.locator('.task-row', { hasText: 'syn-0000' }).innerText(),
      /Falk Vailworth/,
    );
    await page.screenshot({ path: join(shots, 'viewer-tasks.png') });
    await page.getByPlaceholder('search task id or text').fill('syn-0002');
    await page.getByTestId('task-count').filter({ hasText: '1 tasks' }).waitFor();
    assert.equal(await page.locator('.task-row').count(), 1);
  });

  test('tree: best path open, expand a node, open a node, markup shown as text', async () => {
    await page.getByPlaceholder('search task id or text').fill('syn-0000');
    await page.locator('.task-row', { hasText: 'syn-0000' }).click();
    const tree = page.getByTestId('tree');
    // The best path 0.1.3 is open from the start and ends in a terminal node.
    const bestLeaf = tree.locator('[data-path="0.1.3"]');
    await bestLeaf.waitFor();
    assert.match(await bestLeaf.innerText(), /Finish\[Zanogate\][\s\S]*terminal/);
    assert.match((await bestLeaf.getAttribute('class')) ?? '', /\bbest\b/);
    // 0.0 is off the best path: its children are fetched on expand.
    assert.equal(await tree.locator('[data-path="0.0.1"]').count(), 0);
    await tree.locator('[data-path="0.0"] .toggle').click();
    await tree.locator('[data-path="0.0.1"]').waitFor();
    assert.match(await tree.locator('[data-path="0.0.1"]').innerText(), /Search\[Ardant Systems\]/);
    // Open node 0: its observation starts with a <script> and an <img onerror>.
    await tree.locator('[data-path="0"]').click();
    const conversation = page.getByTestId('conversation');
    await conversation.waitFor();
    const text = await conversation.innerText();
    assert.match(text, /<script>window.__stepqXss = 1<\/script><img src=x onerror=/);
    assert.match(text, /Falk Vailworth \(1934 – 2021\)/);
    assert.equal(await conversation.locator('script, img').count(), 0);
    assert.match(
      await tree.locator('[data-path="0"]').locator('xpath=..').locator('.obs').first().innerText(),
      /^<script>/,
    );
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __stepqXss?: number }).__stepqXss),
      undefined,
    );
    await page.screenshot({ path: join(shots, 'viewer-tree.png') });
  });

  test('trajectories: the arms side by side, candidates with Q, the executed one marked', async () => {
    await page.goto(`${viewer.url}#/task/syn-0002/tree`);
    await page.getByRole('link', { name: 'Trajectories' }).click();
    const runs = page.getByTestId('trajectories');
    await runs.waitFor();
    assert.deepEqual(await runs.locator('.run h3').allInnerTexts(), [
      'greedy',
      'best-of-n-random n=5',
      'qguided n=5',
    ]);
    const guided = runs.locator('[data-arm="qguided n=5"]');
    const firstStep = guided.locator('.step').first();
    assert.ok((await firstStep.locator('.cands li').count()) > 1);
    assert.equal(await firstStep.locator('.cands li.chosen').count(), 1);
    assert.match(await firstStep.locator('.cands li.chosen').innerText(), /Q -?\d\.\d{3}/);
    assert.match(
      await firstStep.locator('pre').innerText(),
      /^<script>window.__stepqXss = 1<\/script>/,
    );
    assert.equal(await guided.locator('script, img').count(), 0);
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __stepqXss?: number }).__stepqXss),
      undefined,
    );
    await page.screenshot({ path: join(shots, 'viewer-trajectories.png'), fullPage: true });
  });

  test('pairs and training curves', async () => {
    await page.goto(`${viewer.url}#/task/syn-0000/pairs`);
    const pairs = page.getByTestId('pairs');
    await pairs.waitFor();
    assert.ok((await pairs.locator('tbody tr').count()) > 0);
    assert.match(await pairs.locator('tbody tr').first().innerText(), /Thought:/);
    await page.screenshot({ path: join(shots, 'viewer-pairs.png') });
    await page.goto(`${viewer.url}#/training`);
    const charts = page.getByTestId('training');
    await charts.waitFor();
    assert.equal(await charts.locator('svg').count(), 2);
    assert.match(await charts.innerText(), /DPO loss[\s\S]*pair accuracy/);
    await page.screenshot({ path: join(shots, 'viewer-training.png'), fullPage: true });
  });

  test('the report opens from a file with no network and links into the viewer', async () => {
    await page.goto(pathToFileURL(reportFile).href);
    assert.match(await page.locator('#results').innerText(), /qguided\s+5\s+8/);
    assert.equal(await page.locator('svg.chart').count(), 4);
    const link = page.locator(`a[href^="${viewer.url}#/task/"]`).first();
    const href = await link.getAttribute('href');
    const taskId = await link.innerText();
    assert.ok(href && href.endsWith(`/${encodeURIComponent(taskId)}/trajectory`));
    await page.goto(href);
    await page.locator('h2', { hasText: taskId }).waitFor();
    await page.getByTestId('trajectories').waitFor();
    await page.goto(pathToFileURL(reportFile).href);
    await page.screenshot({ path: join(shots, 'report-fixture.png'), fullPage: true });
  });

  test('1,000 tasks and a 5,000-node tree stay light: a window of rows, subtrees on expand', async () => {
    await page.goto(scale.url);
    await page.getByTestId('task-count').filter({ hasText: '1001 tasks' }).waitFor();
    const shown = await page.locator('.task-row').count();
    assert.ok(shown > 10 && shown < 100, `${shown} rows in the DOM`);
    await page.locator('.list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.locator('.task-row', { hasText: 't0999' }).waitFor();
    assert.ok((await page.locator('.task-row').count()) < 100);
    await page.goto(`${scale.url}#/task/big/tree`);
    const tree = page.getByTestId('tree');
    await tree.locator('[data-path="4"]').waitFor();
    const started = Date.now();
    await tree.locator('[data-path="2"] .toggle').click();
    await tree.locator('[data-path="2.7"] .toggle').click();
    await tree.locator('[data-path="2.7.48"]').waitFor();
    const took = Date.now() - started;
    assert.ok(took < 3000, `expanding took ${took} ms`);
    const rendered = await tree.locator('.node-line').count();
    assert.equal(rendered, 1 + 5 + 20 + 49);
  });

  test('no page errors and nothing fetched from elsewhere', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(offsite, []);
  });
});
