/**
 * The built-in decision rules: greedy (the paper's baseline), best-of-n-random (the same n
 * samples, a random one executed: the control for "more samples"), majority (step-level
 * self-consistency: the control for "the policy's own votes") and qguided (the method).
 */
import type { Decision, DecisionInput, DecisionRule } from './types.js';

/** Indices whose value equals the maximum, in order. */
export function argmaxAll(values: readonly number[]): number[] {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  const out: number[] = [];
  values.forEach((v, i) => {
    if (v === max) out.push(i);
  });
  return out;
}

export const greedy: DecisionRule = {
  name: 'greedy',
  summary: "one sampled action per step (the paper's baseline)",
  needsQModel: false,
  samples: () => 1,
  decide: () => ({ chosen: 0 }),
};

export const bestOfNRandom: DecisionRule = {
  name: 'best-of-n-random',
  summary: 'n samples per step, a random one executed (control)',
  needsQModel: false,
  samples: (n) => n,
  // A uniform pick among the n raw samples (not among distinct actions), so the control
  // follows the policy's own distribution, as greedy does: only the Q-value model differs.
  decide: ({ sourceOf, rng }) =>
    sourceOf.length > 0 ? { chosen: sourceOf[rng.int(sourceOf.length)] as number } : { chosen: 0 },
};

export const majority: DecisionRule = {
  name: 'majority',
  summary: 'n samples per step, the action proposed most often executed (seeded tie-break)',
  needsQModel: false,
  samples: (n) => n,
  decide: ({ votes, rng }) => {
    const top = argmaxAll(votes);
    // The rng is drawn only on a tie, so a clear majority costs no randomness.
    if (top.length <= 1) return { chosen: top[0] ?? 0 };
    return { chosen: top[rng.int(top.length)] as number };
  },
};

export const qguided: DecisionRule = {
  name: 'qguided',
  summary: 'n samples per step, the one the Q-value model rates highest executed',
  needsQModel: true,
  samples: (n) => n,
  async decide({ context, candidates, votes, rng, qmodel }: DecisionInput): Promise<Decision> {
    if (!qmodel) throw new Error('qguided needs a Q-value model');
    if (candidates.length <= 1) return { chosen: 0 };
    const q = await qmodel.score(context, candidates, { votes });
    // Ties (a prior-only model ranks by votes alone) get majority's seeded tie-break, so a
    // model that falls back to the prior decides exactly as majority does.
    const top = argmaxAll(q);
    return { chosen: top.length <= 1 ? (top[0] ?? 0) : (top[rng.int(top.length)] as number), q };
  },
};

export const BUILTIN_RULES: readonly DecisionRule[] = [greedy, bestOfNRandom, majority, qguided];
