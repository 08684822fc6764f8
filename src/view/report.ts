/**
 * `stepq report`: one self-contained HTML file (inline CSS and SVG, no script, nothing
 * loaded from anywhere) with the results table and its intervals, success against n,
 * the Q-value model's calibration against realised success, the training curves, and
 * links into `stepq view` for the tasks worth a look.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../core/fs.js';
import { pairedBootstrap, type Interval } from '../eval/stats.js';
import type { Trajectory } from '../eval/trajectory.js';
import { BASELINE_RULE, REFERENCE_RULE } from '../eval/decision/index.js';
import { escapeHtml as esc, lineChartSvg, trainingChartSvg } from './charts.js';
import { openRunFolder, type RunArm, type RunFolder } from './run-folder.js';
import { DEFAULT_VIEW_PORT, VIEW_HOST } from './server.js';

export const DEFAULT_VIEWER_URL = `http://${VIEW_HOST}:${DEFAULT_VIEW_PORT}/`;

export interface ReportOptions {
  /** Where `stepq view` of this folder listens; the report's task links point there. */
  viewerUrl?: string;
  seed?: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (i: Interval) => `${pct(i.mean)} [${pct(i.low)}, ${pct(i.high)}]`;

/** Per-arm success with a 95% bootstrap interval, from the trajectories found. */
function armIntervals(arms: readonly RunArm[], seed: number): Map<string, Interval> {
  const out = new Map<string, Interval>();
  for (const arm of arms) {
    const boot = pairedBootstrap(
      { [arm.key]: arm.trajectories.map((t) => (t.success ? 1 : 0)) },
      { seed },
    );
    out.set(arm.key, boot.arms[arm.key] as Interval);
  }
  return out;
}

function resultsSection(run: RunFolder, intervals: Map<string, Interval>): string {
  const r = run.results;
  const rows = run.arms.map((arm) => {
    const t = arm.trajectories;
    const fromResults = r?.arms.find((a) => a.algorithm === arm.algorithm && a.summary.n === arm.n);
    const success = fromResults?.success ?? (intervals.get(arm.key) as Interval);
    const calls = t.reduce((s, x) => s + x.usage.calls, 0);
    const tokens = t.reduce((s, x) => s + x.usage.promptTokens + x.usage.completionTokens, 0);
    const reward = t.reduce((s, x) => s + Math.max(0, x.reward), 0) / (t.length || 1);
    const errors = t.filter((x) => x.error).length;
    const retried = arm.superseded.length;
    return `<tr><td>${esc(arm.algorithm)}</td><td>${arm.n}</td><td>${t.length}</td><td class="num">${ci(success)}</td><td class="num">${errors}${retried ? ` <span class="muted">(+${retried} retried)</span>` : ''}</td><td class="num">${reward.toFixed(3)}</td><td class="num">${calls}</td><td class="num">${tokens}</td></tr>`;
  });
  const parts = [`<h2>Results</h2>`];
  if (r) {
    const design =
      r.folds > 1
        ? `${r.folds}-fold cross-fitting over ${r.testTasks} tasks`
        : `${r.trainTasks} train tasks, ${r.testTasks} test tasks`;
    parts.push(
      `<p>${esc(r.env)} (${esc(r.source)}), policy ${esc(r.policy)}; ${esc(design)}${r.pairs !== undefined ? `; ${r.pairs} preference pairs` : ''}.</p>`,
    );
  }
  if (rows.length) {
    parts.push(
      `<table class="grid" id="results"><thead><tr><th>algorithm</th><th>n</th><th>tasks</th><th>success [95% CI]</th><th>errors</th><th>avg reward</th><th>LLM calls</th><th>tokens</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
    parts.push(
      `<p class="muted">errors: episodes that could not run (the LLM or the env failed after retries); they count as failures in the success rate, and are listed apart from the agent's own failures. A task retried on a resumed run counts once, by its last attempt ("retried": earlier attempts it replaced).</p>`,
    );
    parts.push(
      `<p class="muted">Intervals: 95% bootstrap over test tasks; ${r ? "for the arms of results.json its paired-bootstrap intervals, for any other arm one over that arm's tasks" : "one over each arm's tasks"}.</p>`,
    );
  } else parts.push('<p>No eval trajectories in this folder.</p>');
  if (r) {
    const diffs = r.differences.map(
      (d) =>
        `<li>${REFERENCE_RULE} − ${esc(d.versus)}: ${(100 * d.diff.mean).toFixed(1)} points [${(100 * d.diff.low).toFixed(1)}, ${(100 * d.diff.high).toFixed(1)}]</li>`,
    );
    const u = r.uplift;
    diffs.push(
      `<li>uplift ${REFERENCE_RULE} / ${BASELINE_RULE}: ${u.mean.toFixed(2)}× [${u.low.toFixed(2)}, ${Number.isFinite(u.high) ? u.high.toFixed(2) : '∞'}]</li>`,
    );
    parts.push(`<ul id="differences">${diffs.join('')}</ul>`);
  }
  return parts.join('\n');
}

function successVsNSection(run: RunFolder, intervals: Map<string, Interval>): string {
  if (!run.arms.length) return '';
  const byAlgorithm = new Map<string, RunArm[]>();
  for (const arm of run.arms)
    byAlgorithm.set(arm.algorithm, [...(byAlgorithm.get(arm.algorithm) ?? []), arm]);
  const series = [...byAlgorithm].map(([algorithm, arms]) => ({
    name: algorithm,
    markersOnly: arms.length < 2,
    points: arms.map((a) => [a.n, (intervals.get(a.key) as Interval).mean] as [number, number]),
    intervals: arms.map(
      (a) =>
        [a.n, (intervals.get(a.key) as Interval).low, (intervals.get(a.key) as Interval).high] as [
          number,
          number,
          number,
        ],
    ),
  }));
  const swept = [...byAlgorithm.values()].some((arms) => arms.length > 1);
  const note = swept
    ? ''
    : `<p class="note">This run evaluated each algorithm at a single n (${esc(run.arms.map((a) => `${a.algorithm} n=${a.n}`).join(', '))}), so there is no curve yet: the points are what exists. The logged candidates cannot honestly stand in for a smaller n (a different choice at one step changes every later step). To sweep n, evaluate again with <code>stepq eval --n K --out &lt;run&gt;/eval/qguided-nK</code> for a few K; the report and the viewer pick every <code>eval/*</code> folder up (docs/viewer.md).</p>`;
  return `<h2>Success rate against n (candidates per step)</h2>\n${lineChartSvg({ title: 'success rate vs n', xLabel: 'n (candidates per step)', yLabel: 'success rate', yMin: 0, yMax: 1, series })}\n${note}`;
}

/** Wilson 95% interval of a proportion. */
function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface CalibrationBin {
  episodes: number;
  meanQ: number;
  successRate: number;
  low: number;
  high: number;
}

/**
 * Q-guided episodes binned by the mean predicted Q of the candidates they executed
 * (quantile bins, one point per episode), against the share of them that succeeded.
 */
export function calibrationBins(
  trajectories: readonly Trajectory[],
  binCount = 5,
): CalibrationBin[] {
  const points = trajectories
    .map((t) => {
      const qs = t.steps
        .map((s) => s.candidates[s.chosen]?.q)
        .filter((q): q is number => typeof q === 'number');
      return qs.length
        ? { q: qs.reduce((a, b) => a + b, 0) / qs.length, success: t.success }
        : undefined;
    })
    .filter((p) => p !== undefined)
    .sort((a, b) => a.q - b.q);
  const bins = Math.min(binCount, Math.floor(points.length / 5));
  if (bins < 1) return [];
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const part = points.slice(
      Math.floor((b * points.length) / bins),
      Math.floor(((b + 1) * points.length) / bins),
    );
    const wins = part.filter((p) => p.success).length;
    const [low, high] = wilson(wins, part.length);
    out.push({
      episodes: part.length,
      meanQ: part.reduce((s, p) => s + p.q, 0) / part.length,
      successRate: wins / part.length,
      low,
      high,
    });
  }
  return out;
}

function calibrationSection(run: RunFolder): string {
  const guided = run.arms.filter((a) => a.algorithm === REFERENCE_RULE);
  const head = '<h2>Q-value calibration</h2>';
  const what =
    '<p>Each Q-guided test episode gives one point: the mean Q (from the Q-value model) of the candidates it executed, against whether the episode succeeded. Episodes are cut into equal-count bins by that Q; each bin shows its success rate with a 95% Wilson interval. The learned model is fitted with a DPO objective, so its Q is a relative score rather than a probability: a well-ranking model gives a rising line, not one on the diagonal.</p>';
  const series = guided
    .map((arm) => ({ arm, bins: calibrationBins(arm.trajectories) }))
    .filter((x) => x.bins.length > 0)
    .map(({ arm, bins }) => ({
      name: arm.key,
      points: bins.map((b) => [b.meanQ, b.successRate] as [number, number]),
      intervals: bins.map((b) => [b.meanQ, b.low, b.high] as [number, number, number]),
      bins,
    }));
  if (!series.length)
    return `${head}\n<p class="note">No Q-guided episodes with logged Q-values (at least 5 are needed).</p>`;
  const tables = series.map(
    (s) =>
      `<table class="grid calibration"><thead><tr><th>${esc(s.name)}: bin</th><th>episodes</th><th>mean Q</th><th>success [95% CI]</th></tr></thead><tbody>${s.bins
        .map(
          (b, i) =>
            `<tr><td>${i + 1}</td><td>${b.episodes}</td><td class="num">${b.meanQ.toFixed(3)}</td><td class="num">${pct(b.successRate)} [${pct(b.low)}, ${pct(b.high)}]</td></tr>`,
        )
        .join('')}</tbody></table>`,
  );
  return `${head}\n${what}\n${lineChartSvg({ title: 'success rate by predicted Q', xLabel: 'mean Q of executed candidates', yLabel: 'episode success rate', yMin: 0, yMax: 1, series })}\n${tables.join('\n')}`;
}

function trainingSection(run: RunFolder): string {
  if (!run.training.length) return '';
  return `<h2>Training curves</h2>\n<div class="charts">${trainingChartSvg(run.training)}</div>\n<p class="muted">Pair accuracy: the share of preference pairs whose chosen action the model rates above the rejected one.</p>`;
}

function linksSection(run: RunFolder, viewerUrl: string): string {
  const link = (taskId: string, view: string) =>
    `<a href="${esc(`${viewerUrl}#/task/${encodeURIComponent(taskId)}/${view}`)}">${esc(taskId)}</a>`;
  const parts = [
    `<h2>Into the viewer</h2>`,
    `<p>Run <code>stepq view ${esc(run.dir)}</code> (it listens on ${esc(viewerUrl)}), then follow these links.</p>`,
  ];
  const greedy = run.arms.find((a) => a.algorithm === BASELINE_RULE);
  // The Q-guided arm of results.json when there is one, else the one with the most candidates.
  const resultN = run.results?.arms.find((a) => a.algorithm === REFERENCE_RULE)?.summary.n;
  const guided = run.arms
    .filter((a) => a.algorithm === REFERENCE_RULE)
    .sort((a, b) => Number(b.n === resultN) - Number(a.n === resultN) || b.n - a.n)[0];
  if (greedy && guided) {
    const base = new Map(greedy.trajectories.map((t) => [t.taskId, t.success]));
    const won = guided.trajectories
      .filter((t) => t.success && base.get(t.taskId) === false)
      .map((t) => t.taskId);
    const lost = guided.trajectories
      .filter((t) => !t.success && base.get(t.taskId) === true)
      .map((t) => t.taskId);
    const list = (ids: string[]) =>
      ids.length
        ? ids
            .slice(0, 40)
            .map((id) => link(id, 'trajectory'))
            .join(', ') + (ids.length > 40 ? ` … (${ids.length - 40} more)` : '')
        : 'none';
    parts.push(
      `<p>${esc(guided.key)} succeeded where greedy failed (${won.length}): ${list(won)}</p>`,
    );
    parts.push(
      `<p>${esc(guided.key)} failed where greedy succeeded (${lost.length}): ${list(lost)}</p>`,
    );
  }
  const trees = [...run.treeHeaders.values()]
    .sort((a, b) => b.stats.nodes - a.stats.nodes)
    .slice(0, 10);
  if (trees.length)
    parts.push(
      `<p>Largest MCTS trees: ${trees.map((h) => `${link(h.taskId, 'tree')} (${h.stats.nodes} nodes)`).join(', ')}</p>`,
    );
  return parts.join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#1d1d1d}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table.grid{border-collapse:collapse;margin:8px 0}table.grid th,table.grid td{border:1px solid #ccc;padding:3px 8px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#666}.note{background:#fff8e1;border-left:4px solid #e0a800;padding:6px 10px}
svg.chart{border:1px solid #ddd;margin:0 8px 8px 0;background:#fff}code{background:#f2f2f2;padding:0 3px}`;

export function renderReport(run: RunFolder, options: ReportOptions = {}): string {
  const viewerUrl = options.viewerUrl ?? DEFAULT_VIEWER_URL;
  const intervals = armIntervals(run.arms, options.seed ?? 0);
  const body = [
    `<h1>stepq report</h1>`,
    `<p class="muted">Run folder: <code>${esc(run.dir)}</code> · ${run.tasks.length} tasks · ${run.treeHeaders.size} MCTS trees · generated ${esc(new Date().toISOString())}</p>`,
    resultsSection(run, intervals),
    successVsNSection(run, intervals),
    calibrationSection(run),
    trainingSection(run),
    linksSection(run, viewerUrl),
    run.problems.length
      ? `<h2>Files left out</h2><ul>${run.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`
      : '',
  ];
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>stepq report: ${esc(run.dir)}</title>\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<style>${STYLE}</style></head>\n<body>\n${body.filter(Boolean).join('\n')}\n</body></html>\n`;
}

/** Writes the report of a run folder; returns the file written. */
export function writeReport(
  dir: string,
  outFile = join(dir, 'report.html'),
  options: ReportOptions = {},
): string {
  writeFileAtomic(outFile, renderReport(openRunFolder(dir), options));
  return outFile;
}
