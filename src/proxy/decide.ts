/**
 * The proxy's decision for one request: the n raw replies of the upstream, deduplicated on the
 * normalised action exactly as `stepq eval` does (distinctSteps), and picked by the same
 * registered `qguided` decision rule (Q-values with the policy's votes as evidence, ties broken
 * by a seeded draw). With no parseable action among the replies there is no decision (the caller
 * passes the upstream's first reply through).
 */
import { distinctSteps } from '../agent/parse.js';
import type { StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import type { Rng } from '../core/rng.js';
import { getDecisionRule, REFERENCE_RULE } from '../eval/decision/index.js';

export interface ScoredCandidate {
  /** Canonical step text, as scored. */
  text: string;
  action: string;
  /** How many of the n raw replies proposed this action. */
  votes: number;
  /** Index of the first raw reply with this action (its text is what the client receives). */
  reply: number;
  q: number | null;
}

export type Decision =
  | { decided: true; chosen: number; candidates: ScoredCandidate[] }
  | { decided: false; reason: string; candidates: ScoredCandidate[] };

export async function decide(
  context: StepContext,
  replies: readonly string[],
  qmodel: QModel,
  rng: Rng,
): Promise<Decision> {
  const { steps, sourceOf } = distinctSteps(replies);
  const candidates: ScoredCandidate[] = steps.map((step, i) => ({
    text: step.text,
    action: step.action,
    votes: sourceOf.filter((s) => s === i).length,
    reply: sourceOf.indexOf(i),
    q: null,
  }));
  if (!candidates.some((c) => c.action !== ''))
    return { decided: false, reason: 'no candidate has a parseable action', candidates };
  const decision = await getDecisionRule(REFERENCE_RULE).decide({
    context,
    candidates: candidates.map((c) => c.text),
    sourceOf,
    votes: candidates.map((c) => c.votes),
    rng,
    qmodel,
  });
  decision.q?.forEach((q, i) => ((candidates[i] as ScoredCandidate).q = q));
  return { decided: true, chosen: decision.chosen, candidates };
}
