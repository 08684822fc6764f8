/** The learned Q-value model: featuriser + Q-network, scoring candidates in-process. */
import type { StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import { featurizeCandidates, type FeaturizerConfig } from './featurizer.js';
import { QNet, type FloatArray, type NetShape } from './network.js';

export class LearnedQModel implements QModel {
  readonly net: QNet;

  constructor(
    readonly name: string,
    readonly featurizer: FeaturizerConfig,
    shape: NetShape,
    params: FloatArray,
  ) {
    this.net = new QNet(shape, params);
  }

  scoreSync(context: StepContext, candidates: readonly string[]): number[] {
    return featurizeCandidates(context, candidates, this.featurizer).map((x) =>
      this.net.forward(x),
    );
  }

  async score(context: StepContext, candidates: readonly string[]): Promise<number[]> {
    return this.scoreSync(context, candidates);
  }
}
