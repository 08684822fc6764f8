import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../testing/shared.js';
import type { Trajectory } from '../eval/trajectory.js';
import { calibrationBins, renderReport, writeReport } from './report.js';
import { openRunFolder } from './run-folder.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

test('the report is one self-contained file: nothing to load, only links', () => {
  const html = renderReport(openRunFolder(fixture('run')), { viewerUrl: 'http://127.0.0.1:9999/' });
  assert.doesNotMatch(html, /<script|<link|<iframe|<img|@import|url\(/i);
  assert.doesNotMatch(html, /\bsrc=/i);
  // Every absolute URL is the viewer's, and every one in an attribute is a link, never something the page loads.
  const urls = [...html.matchAll(/https?:\/\/[^"'<> ]+/g)];
  assert.ok(urls.length > 0);
  for (const m of urls) {
    assert.ok(m[0].startsWith('http://127.0.0.1:9999/'), m[0]);
    const before = html.slice(Math.max(0, (m.index ?? 0) - 40), m.index);
    if (/=\s*["']?$/.test(before)) assert.match(before, /<a href="$/, m[0]);
  }
  assert.match(html, /href="http:\/\/127\.0\.0\.1:9999\/#\/task\/syn-0000\/tree"/);
  assert.match(html, /href="http:\/\/127\.0\.0\.1:9999\/#\/task\/syn-\d+\/trajectory"/);
});

test('the report carries the numbers of results.json', () => {
  const results = JSON.parse(readFileSync(fixture('run/results.json'), 'utf8'));
  const html = renderReport(openRunFolder(fixture('run')));
  for (const arm of results.arms) {
    const row = new RegExp(
      `<tr><td>${arm.algorithm}</td><td>${arm.summary.n}</td><td>${arm.summary.tasks}</td><td class="num">([^<]*)</td><td class="num">${arm.summary.errors ?? 0}</td><td class="num">${arm.summary.avgReward.toFixed(3)}</td><td class="num">${arm.summary.llmCalls}</td>`,
    );
    const match = row.exec(html);
    assert.ok(match, `row of ${arm.algorithm}`);
    assert.equal(
      match[1],
      `${pct(arm.success.mean)} [${pct(arm.success.low)}, ${pct(arm.success.high)}]`,
    );
  }
  for (const d of results.differences)
    assert.ok(
      html.includes(
        `qguided − ${d.versus}: ${(100 * d.diff.mean).toFixed(1)} points [${(100 * d.diff.low).toFixed(1)}, ${(100 * d.diff.high).toFixed(1)}]`,
      ),
    );
  assert.ok(html.includes(`uplift qguided / greedy: ${results.uplift.mean.toFixed(2)}×`));
  // One n per algorithm in this run: said so, not papered over.
  assert.match(html, /evaluated each algorithm at a single n/);
  assert.match(html, /DPO loss/);
});

test('an eval folder alone gets bootstrap intervals from its trajectories', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-report-'));
  try {
    copyFileSync(fixture('run/eval/greedy/trajectories.jsonl'), join(dir, 'trajectories.jsonl'));
    const file = writeReport(dir);
    const html = readFileSync(file, 'utf8');
    assert.equal(file, join(dir, 'report.html'));
    assert.match(
      html,
      /<tr><td>greedy<\/td><td>1<\/td><td>8<\/td><td class="num">37\.5% \[\d+\.\d%, \d+\.\d%\]<\/td>/,
    );
    assert.match(html, /No Q-guided episodes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('calibration bins: equal-count bins by mean executed Q against success', () => {
  const episode = (q: number, success: boolean) =>
    ({
      success,
      steps: [
        {
          candidates: [
            { text: '', action: 'a', q },
            { text: '', action: 'b', q: q - 1 },
          ],
          chosen: 0,
        },
      ],
    }) as unknown as Trajectory;
  const episodes = Array.from({ length: 20 }, (_, i) => episode(i / 20, i >= 10));
  const bins = calibrationBins(episodes, 4);
  assert.deepEqual(
    bins.map((b) => b.episodes),
    [5, 5, 5, 5],
  );
  assert.deepEqual(
    bins.map((b) => b.successRate),
    [0, 0, 1, 1],
  );
  assert.ok(Math.abs((bins[0]?.meanQ as number) - 0.1) < 1e-12);
  for (const b of bins) assert.ok(b.low <= b.successRate && b.successRate <= b.high);
  assert.deepEqual(calibrationBins(episodes.slice(0, 4)), []);
});

test('after a resumed eval, a task retried after an error counts once, by its last attempt', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-report-resumed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const record = (taskId: string, over: Partial<Trajectory>): Trajectory => ({
    format: 'stepq.trajectory/1',
    env: 'toy',
    taskId,
    task: `task ${taskId}`,
    algorithm: 'greedy',
    policy: 'p',
    n: 1,
    seed: 0,
    steps: [],
    reward: 0,
    success: false,
    depthLimited: false,
    info: {},
    usage: { calls: 1, promptTokens: 0, completionTokens: 0 },
    wallSeconds: 0,
    ...over,
  });
  const lines = [
    record('a', { error: 'LLM request failed (HTTP 500)' }),
    record('b', { success: true, reward: 1 }),
    record('c', { error: 'LLM request failed (HTTP 500)' }),
    record('d', {}),
    // the resumed run: a and c again; c still errors
    record('a', { success: true, reward: 1 }),
    record('c', { error: 'LLM request failed (timeout)' }),
  ];
  mkdirSync(join(dir, 'eval', 'greedy'), { recursive: true });
  writeFileSync(
    join(dir, 'eval', 'greedy', 'trajectories.jsonl'),
    lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
  );
  const run = openRunFolder(dir);
  assert.equal(run.arms.length, 1, 'one greedy arm, not one per attempt');
  const [arm] = run.arms;
  assert.equal(arm?.trajectories.length, 4);
  assert.equal(arm?.superseded.length, 2);
  assert.deepEqual(
    run.taskById.get('a')?.runs.map((r) => [r.arm, r.success, r.earlierAttempts]),
    [['greedy', true, ['LLM request failed (HTTP 500)']]],
  );
  const html = renderReport(run);
  // 4 tasks, 2 successes (50.0%), 1 error (+2 earlier attempts retried)
  assert.match(
    html,
    /<tr><td>greedy<\/td><td>1<\/td><td>4<\/td><td class="num">50\.0% \[[^<]*\]<\/td><td class="num">1 <span class="muted">\(\+2 retried\)<\/span><\/td>/,
  );
});
