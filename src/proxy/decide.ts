/**
 * The proxy's decision for one request: the n raw replies of the upstream, deduplicated on the
 * normalised action exactly as `stepq eval` does (distinctSteps), scored by the Q-value model on
 * the decision context, and the highest-Q valid candidate chosen. A candidate with no action is
 * ranked below every valid one; with no valid candidate there is no decision (the caller passes
 * the upstream's first reply through).
 */
import { distinctSteps } from '../agent/parse.js';
import type { StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';

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
): Promise<Decision> {
  const { steps, sourceOf } = distinctSteps(replies);
  const candidates: ScoredCandidate[] = steps.map((step, i) => ({
    text: step.text,
    action: step.action,
    votes: sourceOf.filter((s) => s === i).length,
    reply: sourceOf.indexOf(i),
    q: null,
  }));
  const valid = candidates.filter((c) => c.action !== '');
  if (valid.length === 0)
    return { decided: false, reason: 'no candidate has a parseable action', candidates };
  const qs = await qmodel.score(
    context,
    valid.map((c) => c.text),
  );
  valid.forEach((c, i) => (c.q = qs[i] ?? null));
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    const q = (candidates[i] as ScoredCandidate).q;
    if (q === null || !Number.isFinite(q)) continue;
    if (best < 0 || q > ((candidates[best] as ScoredCandidate).q as number)) best = i;
  }
  if (best < 0)
    return { decided: false, reason: 'the Q-value model gave no finite Q-value', candidates };
  return { decided: true, chosen: best, candidates };
}
