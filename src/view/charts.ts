/**
 * Small hand-drawn SVG charts (a few dozen points each), shared by the report and the
 * viewer's training view. Every label is escaped, so the SVG can be inlined as is.
 */
import type { TrainingHistory } from './run-folder.js';

export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** Optional vertical intervals [x, low, high] drawn as error bars. */
  intervals?: Array<[number, number, number]>;
  dashed?: boolean;
  /** Points only, no connecting line. */
  markersOnly?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  yMin?: number;
  yMax?: number;
  /** Draw the y = x diagonal (calibration charts). */
  diagonal?: boolean;
  width?: number;
  height?: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function niceTicks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw) as number;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const fmt = (v: number) =>
  Math.abs(v) >= 100 || Number.isInteger(v)
    ? String(Math.round(v))
    : v.toPrecision(3).replace(/\.?0+$/, '');

export function lineChartSvg(spec: ChartSpec): string {
  const width = spec.width ?? 520;
  const height = spec.height ?? 300;
  const pad = { left: 56, right: 16, top: 30, bottom: 44 };
  const legendWidth = 0;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series
    .flatMap((s) => [
      ...s.points.map((p) => p[1]),
      ...(s.intervals ?? []).flatMap((i) => [i[1], i[2]]),
    ])
    .filter(Number.isFinite);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (!Number.isFinite(xMin)) [xMin, xMax] = [0, 1];
  if (xMin === xMax) [xMin, xMax] = [xMin - 1, xMax + 1];
  // A little room at the sides, so points and error bars at the ends stay visible.
  const xPad = (xMax - xMin) * 0.04;
  const [xLo, xHi] = [xMin - xPad, xMax + xPad];
  let yMin = spec.yMin ?? Math.min(...ys);
  let yMax = spec.yMax ?? Math.max(...ys);
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMin === yMax) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const plotW = width - pad.left - pad.right - legendWidth;
  const plotH = height - pad.top - pad.bottom;
  const X = (x: number) => pad.left + ((x - xLo) / (xHi - xLo)) * plotW;
  const Y = (y: number) => pad.top + (1 - (y - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}">`,
  );
  parts.push(
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${escapeHtml(spec.title)}</text>`,
  );
  for (const t of niceTicks(yMin, yMax)) {
    parts.push(
      `<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e3e3e3"/>`,
    );
    parts.push(
      `<text x="${pad.left - 6}" y="${Y(t) + 4}" text-anchor="end" font-size="11">${fmt(t)}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax, 6)) {
    parts.push(
      `<text x="${X(t)}" y="${pad.top + plotH + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  if (spec.diagonal) {
    const lo = Math.max(xLo, yMin);
    const hi = Math.min(xHi, yMax);
    if (hi > lo)
      parts.push(
        `<line x1="${X(lo)}" y1="${Y(lo)}" x2="${X(hi)}" y2="${Y(hi)}" stroke="#aaa" stroke-dasharray="4 4"/>`,
      );
  }
  parts.push(
    `<text x="${pad.left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${pad.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(spec.yLabel)}</text>`,
  );
  spec.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (!s.markersOnly && pts.length > 1) {
      const d = pts
        .map((p, j) => `${j ? 'L' : 'M'}${X(p[0]).toFixed(1)} ${Y(p[1]).toFixed(1)}`)
        .join(' ');
      parts.push(
        `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    for (const [x, lo, hi] of s.intervals ?? []) {
      parts.push(
        `<line x1="${X(x)}" x2="${X(x)}" y1="${Y(lo)}" y2="${Y(hi)}" stroke="${colour}" stroke-width="1.5"/>`,
      );
    }
    for (const [x, y] of pts)
      parts.push(
        `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3.5" fill="${colour}"><title>${escapeHtml(`${s.name}: ${fmt(x)}, ${fmt(y)}`)}</title></circle>`,
      );
    const ly = pad.top + 14 + i * 16;
    parts.push(
      `<line x1="${pad.left + 8}" x2="${pad.left + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    parts.push(`<text x="${pad.left + 30}" y="${ly}" font-size="11">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Loss and pair-accuracy curves of each saved model (one chart each). */
export function trainingChartSvg(models: readonly TrainingHistory[]): string {
  return models
    .map((m) => {
      const h = m.history;
      const suffix = models.length > 1 ? ` (${m.name})` : '';
      const loss = lineChartSvg({
        title: `DPO loss${suffix}`,
        xLabel: 'epoch',
        yLabel: 'loss',
        series: [
          { name: 'train', points: h.map((e) => [e.epoch, e.loss]) },
          {
            name: 'held-out',
            points: h
              .filter((e) => e.heldOutLoss !== null)
              .map((e) => [e.epoch, e.heldOutLoss as number]),
            dashed: true,
          },
        ],
      });
      const acc = lineChartSvg({
        title: `pair accuracy${suffix}`,
        xLabel: 'epoch',
        yLabel: 'chosen rated above rejected',
        yMin: 0,
        yMax: 1,
        series: [
          { name: 'train', points: h.map((e) => [e.epoch, e.trainAccuracy]) },
          {
            name: 'held-out',
            points: h
              .filter((e) => e.heldOutAccuracy !== null)
              .map((e) => [e.epoch, e.heldOutAccuracy as number]),
            dashed: true,
          },
        ],
      });
      return loss + acc;
    })
    .join('');
}
