/**
 * The decision-rule contract: at each step of an episode the policy proposes n samples,
 * they are deduplicated on the action, and a rule picks the one to execute. Rules differ
 * only in how many samples they ask for and in that pick, so eval, the pipeline, the CLI,
 * the report and the viewer all work from this one description.
 */
import type { StepContext } from '../../core/messages.js';
import type { QModel } from '../../core/qmodel.js';
import type { Rng } from '../../core/rng.js';

export interface DecisionInput {
  context: StepContext;
  /** Distinct candidate texts (dedup on the normalised action), in sampling order. */
  candidates: readonly string[];
  /** For each raw sample, the index of its distinct candidate (length = samples drawn). */
  sourceOf: readonly number[];
  /** Samples per distinct candidate (the policy's own votes); they add up to sourceOf.length. */
  votes: readonly number[];
  /** Seeded per episode (task, seed): the only randomness a rule may use. */
  rng: Rng;
  /** Present when the rule `needsQModel`. */
  qmodel?: QModel;
}

export interface Decision {
  /** Index into candidates of the one to execute. */
  chosen: number;
  /** Per-candidate Q-values, when the rule computed them (logged in the trajectory). */
  q?: number[];
}

export interface DecisionRule {
  /** The name used by `--algorithm`, run folders (eval/<name>) and trajectories. */
  readonly name: string;
  /** One line for `--help` and the docs. */
  readonly summary: string;
  /** Whether the rule needs a Q-value model (eval then requires `--qmodel`). */
  readonly needsQModel: boolean;
  /** Samples requested per step when the user asks for n (greedy: 1). */
  samples(n: number): number;
  decide(input: DecisionInput): Promise<Decision> | Decision;
}
