/**
 * The learned Q-value model on this machine: training time on 10,000 synthetic pairs with
 * realistic text lengths (task 12-30 words, up to 5 prior steps with 40-300-word
 * observations, 8-30-word thoughts), and the latency of scoring 5 candidates, end to end
 * (featurising the context and the candidates + every ensemble member). Targets: < 60 s,
 * < 5 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticPairs } from '../src/qmodel/synthetic.js';
import { DEFAULT_TRAIN_OPTIONS, trainQModel } from '../src/qmodel/train.js';
import { loadLearnedQModel, saveQModel } from '../src/qmodel/store.js';
import type { TrainingPair } from '../src/qmodel/pairs.js';

type Row = Record<string, string | number>;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}

export async function run(): Promise<Array<{ title: string; rows: Row[] }>> {
  const pairs = syntheticPairs({ pairs: 10_000, tasks: 1_000, seed: 1 });
  const trainRows: Row[] = [];
  const scoreRows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'stepq-bench-qmodel-'));
  try {
    for (const hidden of [DEFAULT_TRAIN_OPTIONS.hidden, 0]) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = trainQModel(pairs, { hidden });
      const total = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const epochs = result.members.reduce((sum, m) => sum + m.history.length, 0);
      trainRows.push({
        model: hidden ? `MLP (hidden ${hidden})` : 'linear',
        pairs: pairs.length,
        members: result.members.length,
        'epochs (all members)': epochs,
        'featurize s': round(result.featurizeSeconds, 2),
        'train s': round(result.trainSeconds, 2),
        's / epoch': round(result.trainSeconds / epochs, 2),
        'total s': round(total, 2),
        // CPU time of this process: close to the wall time on an idle machine, and much less
        // sensitive than wall time to other jobs sharing the cores.
        'total CPU s': round((cpu.user + cpu.system) / 1e6, 2),
        // On the report halves (the epoch was chosen on the other halves).
        'held-out acc': round(result.evaluation.reportAccuracy ?? NaN),
      });

      const modelDir = join(dir, `h${hidden}`);
      saveQModel(modelDir, result);
      const l0 = performance.now();
      const model = loadLearnedQModel(modelDir);
      const loadMs = performance.now() - l0;
      const samples: number[] = [];
      const probe = pairs.slice(0, 1_000);
      const candidatesOf = (p: TrainingPair, i: number) => [
        p.chosen,
        p.rejected,
        (probe[(i + 1) % probe.length] as TrainingPair).chosen,
        (probe[(i + 2) % probe.length] as TrainingPair).rejected,
        (probe[(i + 3) % probe.length] as TrainingPair).chosen,
      ];
      for (let i = 0; i < 100; i++)
        model.scoreSync(
          (probe[i] as TrainingPair).context,
          candidatesOf(probe[i] as TrainingPair, i),
        ); // warm-up
      for (let i = 0; i < probe.length; i++) {
        const p = probe[i] as TrainingPair;
        const s = performance.now();
        // With votes, as eval passes them (the ensemble's Q is computed unless prior-only).
        model.scoreSync(p.context, candidatesOf(p, i), { votes: [2, 1, 1, 1, 0] });
        samples.push(performance.now() - s);
      }
      samples.sort((a, b) => a - b);
      scoreRows.push({
        model: hidden ? `MLP (hidden ${hidden})` : 'linear',
        'load ms': round(loadMs, 1),
        'score 5 candidates, median ms': round(quantile(samples, 0.5)),
        'p95 ms': round(quantile(samples, 0.95)),
        'max ms': round(samples[samples.length - 1] as number),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    {
      title:
        'Learned Q-value model: training on 10,000 synthetic pairs (default options, early stopping)',
      rows: trainRows,
    },
    {
      title:
        'Learned Q-value model: load time and latency of scoring 5 candidates (1,000 decision points)',
      rows: scoreRows,
    },
  ];
}
