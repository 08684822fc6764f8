/** Success rates with paired-bootstrap confidence intervals over tasks. */
import { Rng } from '../core/rng.js';

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return xs.length ? s / xs.length : 0;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * Paired bootstrap: resample task indices with replacement (the same resample for every
 * arm), giving a 95% interval for each arm's mean and for differences between arms.
 * `arms` maps an arm name to its per-task values, all over the same tasks in the same order.
 */
export function pairedBootstrap(
  arms: Record<string, readonly number[]>,
  options: { resamples?: number; seed?: number; level?: number } = {},
): {
  arms: Record<string, Interval>;
  diff(a: string, b: string): Interval;
  ratio(a: string, b: string): Interval;
} {
  const names = Object.keys(arms);
  const n = names.length ? (arms[names[0] as string] as readonly number[]).length : 0;
  for (const name of names) {
    if ((arms[name] as readonly number[]).length !== n)
      throw new Error(`pairedBootstrap: arm ${name} has a different task count`);
  }
  const B = options.resamples ?? 2000;
  const alpha = (1 - (options.level ?? 0.95)) / 2;
  const rng = new Rng(options.seed ?? 12345);
  const means: Record<string, Float64Array> = {};
  for (const name of names) means[name] = new Float64Array(B);
  const idx = new Int32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    for (const name of names) {
      const xs = arms[name] as readonly number[];
      let s = 0;
      for (let i = 0; i < n; i++) s += xs[idx[i] as number] as number;
      (means[name] as Float64Array)[b] = n ? s / n : 0;
    }
  }
  const interval = (samples: Float64Array, point: number): Interval => {
    const sorted = Float64Array.from(samples).sort();
    return { mean: point, low: quantile(sorted, alpha), high: quantile(sorted, 1 - alpha) };
  };
  const armIntervals: Record<string, Interval> = {};
  for (const name of names)
    armIntervals[name] = interval(
      means[name] as Float64Array,
      mean(arms[name] as readonly number[]),
    );
  const combine = (a: string, b: string, f: (x: number, y: number) => number): Interval => {
    const ma = means[a];
    const mb = means[b];
    if (!ma || !mb) throw new Error(`pairedBootstrap: unknown arm ${ma ? b : a}`);
    const samples = new Float64Array(B);
    for (let i = 0; i < B; i++) samples[i] = f(ma[i] as number, mb[i] as number);
    const finite = samples.filter((x) => Number.isFinite(x));
    const point = f(mean(arms[a] as readonly number[]), mean(arms[b] as readonly number[]));
    return interval(finite.length ? finite : samples, point);
  };
  return {
    arms: armIntervals,
    diff: (a, b) => combine(a, b, (x, y) => x - y),
    ratio: (a, b) => combine(a, b, (x, y) => (y === 0 ? (x === 0 ? 1 : Infinity) : x / y)),
  };
}
