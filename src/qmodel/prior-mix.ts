/**
 * The policy's own preference as a prior, combined with the learned Q:
 *   score(a) = qWeight · Q(a) + priorWeight · log(votes(a) + smoothing)
 * where votes(a) is how many of the n samples proposed a. The two weights are a logistic
 * regression (no intercept: pairs are symmetric) of "chosen beats rejected" on the Q
 * margin and the log-vote margin, fitted on held-out pairs. The learned Q only gets a
 * weight when it adds significantly to the prior on those pairs (a likelihood-ratio test)
 * and predicts better than the votes alone out of sample (fitted on one half of the pairs,
 * scored on the other); otherwise the model is prior-only and ranks candidates exactly as
 * majority voting does.
 */

/** prior-only: votes alone (= majority); mixed: votes and Q; q-only: no votes in the data. */
export type Regime = 'prior-only' | 'mixed' | 'q-only';

export interface DecisionMix {
  regime: Regime;
  qWeight: number;
  priorWeight: number;
  smoothing: number;
  /** Why this regime: the held-out evidence it was decided on. */
  evidence: {
    pairs: number;
    /** 2 (LL(prior + Q) - LL(prior)), chi-square with 1 df under "Q adds nothing". */
    likelihoodRatio: number | null;
    /** Below this many held-out pairs with votes the evidence counts as weak. */
    minPairs: number;
    reason: string;
  };
}

/** One held-out pair as the mix sees it: Q margin and log-vote margin (chosen - rejected). */
export interface MarginPair {
  dq: number;
  dp: number;
}

export const MIX_SMOOTHING = 0.5;
export const MIN_MIX_PAIRS = 30;
/** chi-square(1) at p = 0.05. */
const LR_CRITICAL = 3.841;

export function logVote(votes: number, smoothing = MIX_SMOOTHING): number {
  return Math.log(votes + smoothing);
}

function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Log-likelihood of the pairs under weights (a on dq, b on dp), plus a tiny ridge. */
function logLik(pairs: readonly MarginPair[], a: number, b: number): number {
  let ll = 0;
  for (const p of pairs) ll += logSigmoid(a * p.dq + b * p.dp);
  return ll;
}

/**
 * Maximum-likelihood weights by Newton's method with a small ridge (keeps separable data
 * finite). `fitQ` false fixes a = 0. Weights are kept >= 0: a negative weight would
 * mean "do the opposite of the evidence", which a few pairs cannot justify.
 */
export function fitWeights(
  pairs: readonly MarginPair[],
  fitQ: boolean,
  ridge = 1e-2,
): { a: number; b: number; ll: number } {
  let a = 0;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let ga = -ridge * a;
    let gb = -ridge * b;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (const p of pairs) {
      const s = sigmoid(a * p.dq + b * p.dp);
      const r = 1 - s;
      const w = s * r;
      ga += r * p.dq;
      gb += r * p.dp;
      haa += w * p.dq * p.dq;
      hab += w * p.dq * p.dp;
      hbb += w * p.dp * p.dp;
    }
    let da: number;
    let db: number;
    if (fitQ) {
      const det = haa * hbb - hab * hab;
      if (!(det > 1e-12)) break;
      da = (hbb * ga - hab * gb) / det;
      db = (haa * gb - hab * ga) / det;
    } else {
      da = 0;
      db = gb / hbb;
    }
    a = Math.max(0, a + da);
    b = Math.max(0, b + db);
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b, ll: logLik(pairs, a, b) };
}

/**
 * Out-of-sample log-likelihood of the votes-only and the votes + Q fits: each fitted on
 * one half and scored on the other, both ways. A mix must predict pairs it was not
 * fitted on better than the votes alone do.
 */
export function crossFittedLogLik(
  halves: readonly [readonly MarginPair[], readonly MarginPair[]],
): { prior: number; mixed: number } {
  let prior = 0;
  let mixed = 0;
  for (const [fitOn, testOn] of [
    [halves[0], halves[1]],
    [halves[1], halves[0]],
  ] as const) {
    if (fitOn.length === 0 || testOn.length === 0) continue;
    const p = fitWeights(fitOn, false);
    const m = fitWeights(fitOn, true);
    prior += logLik(testOn, p.a, p.b);
    mixed += logLik(testOn, m.a, m.b);
  }
  return { prior, mixed };
}

/** Pair accuracy of a weighting (ties count half). */
export function mixAccuracy(pairs: readonly MarginPair[], a: number, b: number): number {
  if (pairs.length === 0) return NaN;
  let correct = 0;
  for (const p of pairs) {
    const m = a * p.dq + b * p.dp;
    correct += m > 0 ? 1 : m === 0 ? 0.5 : 0;
  }
  return correct / pairs.length;
}

/**
 * Decides the regime and the weights from held-out margins. `withVotes` is false when the
 * pairs carry no votes (imported trees): then Q is all there is.
 */
export function fitDecisionMix(
  pairs: readonly MarginPair[],
  withVotes: boolean,
  minPairs = MIN_MIX_PAIRS,
  /** The same pairs cut in two by task: when given, the mix must also win out of sample. */
  halves?: readonly [readonly MarginPair[], readonly MarginPair[]],
): DecisionMix {
  const base = { smoothing: MIX_SMOOTHING };
  if (!withVotes)
    return {
      ...base,
      regime: 'q-only',
      qWeight: 1,
      priorWeight: 0,
      evidence: {
        pairs: pairs.length,
        likelihoodRatio: null,
        minPairs,
        reason: 'the pairs carry no policy votes (trees without votes): Q alone',
      },
    };
  const priorOnly = (reason: string, likelihoodRatio: number | null): DecisionMix => ({
    ...base,
    regime: 'prior-only',
    qWeight: 0,
    priorWeight: 1,
    evidence: { pairs: pairs.length, likelihoodRatio, minPairs, reason },
  });
  if (pairs.length < minPairs)
    return priorOnly(
      `${pairs.length} held-out pairs (< ${minPairs}): too few to trust Q over the votes`,
      null,
    );
  const prior = fitWeights(pairs, false);
  const full = fitWeights(pairs, true);
  const lr = Math.max(0, 2 * (full.ll - prior.ll));
  if (!(full.a > 0) || lr < LR_CRITICAL)
    return priorOnly(
      `Q does not add significantly to the votes on ${pairs.length} held-out pairs (likelihood ratio ${lr.toFixed(2)} < ${LR_CRITICAL})`,
      lr,
    );
  if (halves) {
    const cv = crossFittedLogLik(halves);
    if (!(cv.mixed > cv.prior))
      return priorOnly(
        `Q adds to the votes in sample (likelihood ratio ${lr.toFixed(2)}) but not out of sample (cross-fitted log-likelihood ${cv.mixed.toFixed(1)} vs ${cv.prior.toFixed(1)} for the votes alone)`,
        lr,
      );
  }
  return {
    ...base,
    regime: 'mixed',
    qWeight: full.a,
    priorWeight: full.b,
    evidence: {
      pairs: pairs.length,
      likelihoodRatio: lr,
      minPairs,
      reason: `Q adds to the votes on ${pairs.length} held-out pairs (likelihood ratio ${lr.toFixed(2)} >= ${LR_CRITICAL})`,
    },
  };
}

/** Combined scores of candidates; without votes the prior term is the same for all. */
export function mixScores(
  mix: Pick<DecisionMix, 'qWeight' | 'priorWeight' | 'smoothing'>,
  q: readonly number[],
  votes: readonly number[] | undefined,
): number[] {
  return q.map((qi, i) => {
    const v = votes?.[i];
    const prior = v === undefined ? 0 : mix.priorWeight * logVote(v, mix.smoothing);
    return (mix.qWeight === 0 ? 0 : mix.qWeight * qi) + prior;
  });
}
