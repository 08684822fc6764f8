/**
 * Fitting the learned Q-value model to step-level preference pairs with the DPO objective
 * on Q-values, L2 regularisation, a held-out split by task and early stopping on the
 * held-out loss. Deterministic for a given seed (one thread, fixed order of float ops).
 */
import { Rng, seedFrom } from '../core/rng.js';
import { UserError } from '../core/errors.js';
import { defaultsOf, OptionError, resolveSettings } from '../core/settings.js';
import { Adam } from './adam.js';
import { dpoLoss } from './dpo.js';
import {
  DEFAULT_FEATURIZER,
  featurizeCandidates,
  type FeaturizerConfig,
  type SparseVector,
} from './featurizer.js';
import { LearnedQModel } from './learned.js';
import { initParams, QNet, type FloatArray, type NetShape } from './network.js';
import type { TrainingPair } from './pairs.js';
import { FEATURIZER_SETTINGS, TRAIN_SETTINGS, type TrainSettings } from './train-settings.js';

/** TRAIN_SETTINGS (epochs, beta, lr, l2, holdout, patience, minDelta, ...) and the featurizer. */
export interface TrainOptions extends TrainSettings {
  featurizer: FeaturizerConfig;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  ...defaultsOf(TRAIN_SETTINGS),
  featurizer: DEFAULT_FEATURIZER,
};

export interface EpochStats {
  epoch: number;
  /** Mean DPO loss over the training pairs during the epoch (without the L2 term). */
  loss: number;
  trainAccuracy: number;
  heldOutLoss: number | null;
  heldOutAccuracy: number | null;
  seconds: number;
}

export interface TrainResult {
  model: LearnedQModel;
  options: TrainOptions;
  history: EpochStats[];
  /**
   * Epoch whose weights were kept: the last one that improved the held-out loss by more
   * than minDelta (the last epoch when there is no holdout).
   */
  bestEpoch: number;
  stoppedEarly: boolean;
  counts: {
    pairs: number;
    trainPairs: number;
    heldOutPairs: number;
    trainTasks: number;
    heldOutTasks: number;
  };
  featurizeSeconds: number;
  trainSeconds: number;
}

interface FeaturizedPair {
  chosen: SparseVector;
  rejected: SparseVector;
}

/** Held-out tasks: a seeded shuffle of the distinct task ids, the first ceil(f·n) held out. */
export function splitByTask<T extends { taskId: string }>(
  pairs: readonly T[],
  holdout: number,
  seed: number,
): { train: T[]; heldOut: T[] } {
  if (holdout <= 0) return { train: [...pairs], heldOut: [] };
  const tasks = [...new Set(pairs.map((p) => p.taskId))].sort();
  if (tasks.length < 2)
    throw new OptionError(
      'holdout',
      `a held-out split needs pairs from at least 2 tasks (found ${tasks.length}); use {{holdout}} 0`,
      String(holdout),
    );
  const shuffled = new Rng(seedFrom('qmodel-holdout', seed)).shuffle(tasks);
  const nHeld = Math.min(tasks.length - 1, Math.max(1, Math.ceil(holdout * tasks.length)));
  const held = new Set(shuffled.slice(0, nHeld));
  return {
    train: pairs.filter((p) => !held.has(p.taskId)),
    heldOut: pairs.filter((p) => held.has(p.taskId)),
  };
}

/** The distinct input slots a batch used, in first-seen order (deterministic). */
class TouchedRows {
  private readonly seen: Uint8Array;
  private list: number[] = [];
  constructor(inputs: number) {
    this.seen = new Uint8Array(inputs);
  }
  add(x: SparseVector): void {
    for (let k = 0; k < x.idx.length; k++) {
      const i = x.idx[k] as number;
      if (!this.seen[i]) {
        this.seen[i] = 1;
        this.list.push(i);
      }
    }
  }
  drain(): number[] {
    const out = this.list;
    for (const i of out) this.seen[i] = 0;
    this.list = [];
    return out;
  }
}

function featurizePairs(pairs: readonly TrainingPair[], cfg: FeaturizerConfig): FeaturizedPair[] {
  return pairs.map((p) => {
    const [chosen, rejected] = featurizeCandidates(p.context, [p.chosen, p.rejected], cfg) as [
      SparseVector,
      SparseVector,
    ];
    return { chosen, rejected };
  });
}

/** Mean DPO loss and pair accuracy (Q⁺ > Q⁻; ties count half) of a set of pairs. */
export function evaluatePairs(
  net: QNet,
  pairs: readonly FeaturizedPair[],
  beta: number,
): { loss: number; accuracy: number } {
  if (pairs.length === 0) return { loss: NaN, accuracy: NaN };
  let loss = 0;
  let correct = 0;
  for (const p of pairs) {
    const margin = net.forward(p.chosen) - net.forward(p.rejected);
    loss += dpoLoss(margin, beta).loss;
    correct += margin > 0 ? 1 : margin === 0 ? 0.5 : 0;
  }
  return { loss: loss / pairs.length, accuracy: correct / pairs.length };
}

export function trainQModel(
  pairs: readonly TrainingPair[],
  options: Partial<TrainOptions> = {},
  onEpoch?: (stats: EpochStats) => void,
): TrainResult {
  const opts: TrainOptions = {
    ...resolveSettings(TRAIN_SETTINGS, options),
    featurizer: options.featurizer ?? DEFAULT_FEATURIZER,
  };
  resolveSettings(FEATURIZER_SETTINGS, { dimBits: opts.featurizer.dimBits });
  if (pairs.length === 0) throw new UserError('no preference pairs to train on');

  const t0 = performance.now();
  const split = splitByTask(pairs, opts.holdout, opts.seed);
  const train = featurizePairs(split.train, opts.featurizer);
  const heldOut = featurizePairs(split.heldOut, opts.featurizer);
  const t1 = performance.now();

  const shape: NetShape = { inputs: 1 << opts.featurizer.dimBits, hidden: opts.hidden };
  const rng = new Rng(seedFrom('qmodel-train', opts.seed));
  const params = initParams(shape, rng.fork('init'));
  const net = new QNet(shape, params);
  const grad = new Float32Array(params.length);
  const adam = new Adam(params.length, { lr: opts.lr });
  const shuffleRng = rng.fork('shuffle');
  const preChosen = net.newActivations();
  const preRejected = net.newActivations();
  const rows = new TouchedRows(shape.inputs);
  const L = net.layout;
  const H = shape.hidden;

  const history: EpochStats[] = [];
  let best: { loss: number; epoch: number; params: FloatArray } = {
    loss: Infinity,
    epoch: 0,
    params: params.slice(),
  };
  let stoppedEarly = false;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const started = performance.now();
    const order = shuffleRng.shuffle(train.map((_, i) => i));
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < order.length; start += opts.batchSize) {
      const end = Math.min(order.length, start + opts.batchSize);
      for (let b = start; b < end; b++) {
        const p = train[order[b] as number] as FeaturizedPair;
        const qc = net.forward(p.chosen, preChosen);
        const qr = net.forward(p.rejected, preRejected);
        const { loss, dMargin } = dpoLoss(qc - qr, opts.beta);
        lossSum += loss;
        correct += qc > qr ? 1 : qc === qr ? 0.5 : 0;
        const scale = dMargin / (end - start);
        net.backward(p.chosen, scale, grad, preChosen);
        net.backward(p.rejected, -scale, grad, preRejected);
        rows.add(p.chosen);
        rows.add(p.rejected);
      }
      // Lazy Adam + L2: only the input rows this batch used, plus the small dense blocks.
      adam.beginStep();
      for (const i of rows.drain()) {
        adam.updateRange(params, grad, L.w + i, L.w + i + 1, opts.l2);
        adam.updateRange(params, grad, L.W + i * H, L.W + (i + 1) * H, opts.l2);
      }
      adam.updateRange(params, grad, L.c, L.size, opts.l2);
    }
    const held = heldOut.length ? evaluatePairs(net, heldOut, opts.beta) : null;
    const stats: EpochStats = {
      epoch,
      loss: lossSum / Math.max(1, train.length),
      trainAccuracy: correct / Math.max(1, train.length),
      heldOutLoss: held ? held.loss : null,
      heldOutAccuracy: held ? held.accuracy : null,
      seconds: (performance.now() - started) / 1000,
    };
    if (!Number.isFinite(stats.loss) || (held && !Number.isFinite(held.loss))) {
      throw new OptionError(
        'lr',
        `training diverged at epoch ${epoch} (the loss is not a finite number): lower {{lr}} or {{beta}}`,
        String(opts.lr),
      );
    }
    history.push(stats);
    onEpoch?.(stats);
    if (!held) {
      best = { loss: stats.loss, epoch, params };
      continue;
    }
    if (held.loss < best.loss - opts.minDelta)
      best = { loss: held.loss, epoch, params: params.slice() };
    else if (epoch - best.epoch >= opts.patience) {
      stoppedEarly = epoch < opts.epochs;
      break;
    }
  }
  params.set(best.params);
  const tasks = (list: readonly TrainingPair[]) => new Set(list.map((p) => p.taskId)).size;
  return {
    model: new LearnedQModel('learned', opts.featurizer, shape, params),
    options: opts,
    history,
    bestEpoch: best.epoch,
    stoppedEarly,
    counts: {
      pairs: pairs.length,
      trainPairs: train.length,
      heldOutPairs: heldOut.length,
      trainTasks: tasks(split.train),
      heldOutTasks: tasks(split.heldOut),
    },
    featurizeSeconds: (t1 - t0) / 1000,
    trainSeconds: (performance.now() - t1) / 1000,
  };
}
