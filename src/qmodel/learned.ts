/**
 * The learned Q-value model: featuriser + an ensemble of Q-networks (mean Q), combined
 * with the policy's votes by the mix `stepq train` fitted (./prior-mix.ts). Scoring is
 * in-process.
 */
import type { StepContext } from '../core/messages.js';
import type { CandidateEvidence, QModel } from '../core/qmodel.js';
import { featurizeCandidates, type FeaturizerConfig } from './featurizer.js';
import { QNet, type FloatArray, type NetShape } from './network.js';
import { mixScores, type DecisionMix } from './prior-mix.js';

/** A model without a fitted mix (older model files): Q alone. */
export const Q_ONLY: DecisionMix = {
  regime: 'q-only',
  qWeight: 1,
  priorWeight: 0,
  smoothing: 0.5,
  evidence: { pairs: 0, likelihoodRatio: null, minPairs: 0, reason: 'no mix was fitted' },
};

export class LearnedQModel implements QModel {
  readonly nets: QNet[];

  constructor(
    readonly name: string,
    readonly featurizer: FeaturizerConfig,
    shape: NetShape,
    params: FloatArray | readonly FloatArray[],
    readonly decision: DecisionMix = Q_ONLY,
  ) {
    // Array.isArray narrows a readonly array to any[]: restate the element type.
    const list: readonly FloatArray[] = Array.isArray(params)
      ? (params as readonly FloatArray[])
      : [params as FloatArray];
    if (list.length === 0) throw new Error('LearnedQModel: no networks');
    this.nets = list.map((p) => new QNet(shape, p));
  }

  /** The first ensemble member. */
  get net(): QNet {
    return this.nets[0] as QNet;
  }

  /** Mean Q of the ensemble members, without the votes. */
  qValues(context: StepContext, candidates: readonly string[]): number[] {
    return featurizeCandidates(context, candidates, this.featurizer).map((x) => {
      let q = 0;
      for (const net of this.nets) q += net.forward(x);
      return q / this.nets.length;
    });
  }

  scoreSync(
    context: StepContext,
    candidates: readonly string[],
    evidence?: CandidateEvidence,
  ): number[] {
    // Prior-only models do not need Q at all (and the votes alone must rank exactly as
    // majority does); without votes every candidate gets the same prior term.
    const q =
      this.decision.qWeight === 0 ? candidates.map(() => 0) : this.qValues(context, candidates);
    return mixScores(this.decision, q, evidence?.votes);
  }

  async score(
    context: StepContext,
    candidates: readonly string[],
    evidence?: CandidateEvidence,
  ): Promise<number[]> {
    return this.scoreSync(context, candidates, evidence);
  }
}
