/**
 * Fitting the learned Q-value model to step-level preference pairs with the DPO objective
 * on Q-values, L2 regularisation and early stopping, then deciding how much to trust it
 * against the policy's own votes (./prior-mix.ts).
 *
 * With K members (`members`, default 3) the tasks are cut into K parts; member k trains on the other
 * parts and is scored on part k, so every pair gets an out-of-fold Q margin and the model
 * is the ensemble (mean Q) of the K members. Each held-out part is cut in two by task: the
 * epoch is chosen on one half ("selection"), the accuracy reported on the other ("report"),
 * so the reported accuracy was never used to choose anything. The vote/Q mix is fitted on
 * all out-of-fold margins; its reported accuracy is cross-fitted (fit on one half, measured
 * on the other). Deterministic for a given seed (one thread, fixed order of float ops).
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
import {
  fitDecisionMix,
  logVote,
  mixAccuracy,
  MIX_SMOOTHING,
  type DecisionMix,
  type MarginPair,
} from './prior-mix.js';
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
  /** Ensemble member (1-based). */
  member: number;
  epoch: number;
  /** Mean DPO loss over the training pairs during the epoch (without the L2 term). */
  loss: number;
  trainAccuracy: number;
  /** On the selection half of the member's held-out tasks (what the epoch is chosen on). */
  heldOutLoss: number | null;
  heldOutAccuracy: number | null;
  seconds: number;
}

export interface MemberResult {
  history: EpochStats[];
  bestEpoch: number;
  stoppedEarly: boolean;
  trainPairs: number;
  selectionPairs: number;
  reportPairs: number;
}

/** Held-out pair accuracies; null where there were no such pairs. */
export interface HeldOutEvaluation {
  /** Q alone, on the report halves (never used to choose an epoch or a weight). */
  reportAccuracy: number | null;
  /** The policy's votes alone (ties half), on the same pairs. */
  priorAccuracy: number | null;
  /** The fitted mix, cross-fitted across the two halves, on pairs with votes. */
  mixedAccuracy: number | null;
  /** Q alone on the selection halves (optimistic: the epoch was chosen there). */
  selectionAccuracy: number | null;
  reportPairs: number;
  selectionPairs: number;
}

export interface TrainResult {
  model: LearnedQModel;
  options: TrainOptions;
  /** The first member's epochs (every member's are in `members`). */
  history: EpochStats[];
  /**
   * The first member's kept epoch: the last one that improved the selection loss by more
   * than minDelta (the last epoch when there is no holdout).
   */
  bestEpoch: number;
  stoppedEarly: boolean;
  members: MemberResult[];
  evaluation: HeldOutEvaluation;
  /** How the rule combines Q with the policy's votes, and why (the regime). */
  decision: DecisionMix;
  counts: {
    pairs: number;
    /** Pairs each member trained on, summed over members. */
    trainPairs: number;
    /** Pairs with an out-of-fold Q margin (selection + report halves). */
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

interface MemberPlan {
  train: number[];
  selection: number[];
  report: number[];
}

/** Cuts a set of tasks in two by a seeded shuffle: the first half selects, the rest reports. */
function halves(tasks: readonly string[], seed: number, label: string): [Set<string>, Set<string>] {
  const shuffled = new Rng(seedFrom('qmodel-halves', seed, label)).shuffle([...tasks].sort());
  const cut = Math.ceil(shuffled.length / 2);
  return [new Set(shuffled.slice(0, cut)), new Set(shuffled.slice(cut))];
}

function planMembers(pairs: readonly TrainingPair[], opts: TrainOptions): MemberPlan[] {
  const tasks = [...new Set(pairs.map((p) => p.taskId))].sort();
  const indicesOf = (keep: (p: TrainingPair) => boolean) =>
    pairs.flatMap((p, i) => (keep(p) ? [i] : []));
  // Each member needs at least 2 held-out tasks (one to select on, one to report on).
  const k = Math.min(opts.members, Math.floor(tasks.length / 2));
  if (opts.members > 1 && k >= 2) {
    const shuffled = new Rng(seedFrom('qmodel-folds', opts.seed)).shuffle(tasks);
    const parts: string[][] = Array.from({ length: k }, () => []);
    shuffled.forEach((t, i) => (parts[i % k] as string[]).push(t));
    return parts.map((part, m) => {
      const held = new Set(part);
      const [sel, rep] = halves(part, opts.seed, `fold${m}`);
      return {
        train: indicesOf((p) => !held.has(p.taskId)),
        selection: indicesOf((p) => sel.has(p.taskId)),
        report: indicesOf((p) => rep.has(p.taskId)),
      };
    });
  }
  const split = splitByTask(
    pairs.map((p, i) => ({ taskId: p.taskId, i })),
    opts.holdout,
    opts.seed,
  );
  const [sel, rep] = halves([...new Set(split.heldOut.map((p) => p.taskId))], opts.seed, 'single');
  return [
    {
      train: split.train.map((p) => p.i),
      selection: split.heldOut.filter((p) => sel.has(p.taskId)).map((p) => p.i),
      report: split.heldOut.filter((p) => rep.has(p.taskId)).map((p) => p.i),
    },
  ];
}

/** Trains one network with early stopping on `selection`; returns its kept parameters. */
function trainMember(
  member: number,
  train: readonly FeaturizedPair[],
  selection: readonly FeaturizedPair[],
  opts: TrainOptions,
  onEpoch?: (stats: EpochStats) => void,
): { params: FloatArray; history: EpochStats[]; bestEpoch: number; stoppedEarly: boolean } {
  const shape: NetShape = { inputs: 1 << opts.featurizer.dimBits, hidden: opts.hidden };
  // Member 1 keeps the seed stream of a single model, so members = 1 trains as before.
  const rng = new Rng(
    member === 1
      ? seedFrom('qmodel-train', opts.seed)
      : seedFrom('qmodel-train', opts.seed, member),
  );
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
  // One buffer for the best epoch's parameters, overwritten in place: a copy per improving
  // epoch was garbage the size of the model each time (peak memory of the demo).
  const bestParams = params.slice();
  let best = { loss: Infinity, epoch: 0, lastEpoch: false };
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
    const held = selection.length ? evaluatePairs(net, selection, opts.beta) : null;
    const stats: EpochStats = {
      member,
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
      best = { loss: stats.loss, epoch, lastEpoch: true };
      continue;
    }
    if (held.loss < best.loss - opts.minDelta) {
      best = { loss: held.loss, epoch, lastEpoch: false };
      bestParams.set(params);
    } else if (epoch - best.epoch >= opts.patience) {
      stoppedEarly = epoch < opts.epochs;
      break;
    }
  }
  if (!best.lastEpoch) params.set(bestParams);
  return { params, history, bestEpoch: best.epoch, stoppedEarly };
}

function accuracyOf(margins: readonly number[]): number | null {
  if (margins.length === 0) return null;
  let c = 0;
  for (const m of margins) c += m > 0 ? 1 : m === 0 ? 0.5 : 0;
  return c / margins.length;
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
  const plans = planMembers(pairs, opts);
  const featurized = featurizePairs(pairs, opts.featurizer);
  const t1 = performance.now();
  const at = (idx: readonly number[]) => idx.map((i) => featurized[i] as FeaturizedPair);

  const shape: NetShape = { inputs: 1 << opts.featurizer.dimBits, hidden: opts.hidden };
  const members: MemberResult[] = [];
  const memberParams: FloatArray[] = [];
  // Out-of-fold margins of held-out pairs, tagged with their half.
  const oof: Array<{ i: number; dq: number; half: 'selection' | 'report' }> = [];
  for (const [m, plan] of plans.entries()) {
    const trained = trainMember(m + 1, at(plan.train), at(plan.selection), opts, onEpoch);
    memberParams.push(trained.params);
    members.push({
      history: trained.history,
      bestEpoch: trained.bestEpoch,
      stoppedEarly: trained.stoppedEarly,
      trainPairs: plan.train.length,
      selectionPairs: plan.selection.length,
      reportPairs: plan.report.length,
    });
    const net = new QNet(shape, trained.params);
    for (const [half, idx] of [
      ['selection', plan.selection],
      ['report', plan.report],
    ] as const)
      for (const i of idx) {
        const f = featurized[i] as FeaturizedPair;
        oof.push({ i, dq: net.forward(f.chosen) - net.forward(f.rejected), half });
      }
  }

  const voted = (i: number) => pairs[i]?.votes;
  const withVotes = oof.filter((o) => voted(o.i));
  const margin = (o: { i: number; dq: number }): MarginPair => {
    const v = voted(o.i) as { chosen: number; rejected: number };
    return { dq: o.dq, dp: logVote(v.chosen, MIX_SMOOTHING) - logVote(v.rejected, MIX_SMOOTHING) };
  };
  const anyVotes = pairs.some((p) => p.votes);
  const selM = withVotes.filter((o) => o.half === 'selection').map(margin);
  const repM = withVotes.filter((o) => o.half === 'report').map(margin);
  const decision = fitDecisionMix(withVotes.map(margin), anyVotes, undefined, [selM, repM]);
  // Cross-fitted accuracy of the mixing procedure: decide on one half, measure on the other.
  let mixedCorrect = 0;
  for (const [fitOn, testOn] of [
    [selM, repM],
    [repM, selM],
  ] as const) {
    const mix = fitDecisionMix(fitOn, true);
    const acc = mixAccuracy(testOn, mix.qWeight, mix.priorWeight);
    if (testOn.length) mixedCorrect += acc * testOn.length;
  }
  const report = oof.filter((o) => o.half === 'report');
  const evaluation: HeldOutEvaluation = {
    reportAccuracy: accuracyOf(report.map((o) => o.dq)),
    priorAccuracy: repM.length ? mixAccuracy(repM, 0, 1) : null,
    mixedAccuracy:
      anyVotes && selM.length + repM.length > 0 ? mixedCorrect / (selM.length + repM.length) : null,
    selectionAccuracy: accuracyOf(oof.filter((o) => o.half === 'selection').map((o) => o.dq)),
    reportPairs: report.length,
    selectionPairs: oof.length - report.length,
  };

  const tasks = (idx: Iterable<number>) =>
    new Set([...idx].map((i) => (pairs[i] as TrainingPair).taskId)).size;
  const first = members[0] as MemberResult;
  return {
    model: new LearnedQModel('learned', opts.featurizer, shape, memberParams, decision),
    options: opts,
    history: first.history,
    bestEpoch: first.bestEpoch,
    stoppedEarly: members.some((m) => m.stoppedEarly),
    members,
    evaluation,
    decision,
    counts: {
      pairs: pairs.length,
      trainPairs: members.reduce((s, m) => s + m.trainPairs, 0),
      heldOutPairs: oof.length,
      trainTasks: tasks(plans.flatMap((p) => p.train)),
      heldOutTasks: tasks(oof.map((o) => o.i)),
    },
    featurizeSeconds: (t1 - t0) / 1000,
    trainSeconds: (performance.now() - t1) / 1000,
  };
}
