/**
 * How often a tree's preference pairs order their two steps the way a fresh Monte Carlo
 * estimate does: K new rollouts of the same policy from the chosen and from the rejected
 * node (restored from the stored env state). Used to compare collection settings, e.g.
 * early stop against the full budget (docs/tree-format.md).
 */
import type { Env } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import { seedFrom } from '../core/rng.js';
import { policyMessages } from '../agent/conversation.js';
import { parseReply } from '../agent/parse.js';
import { pairSelections, type PairOptions } from '../data/pairs.js';
import { historyOf, nodesAlong, type TreeFile } from '../data/tree.js';

export interface PairAgreement {
  pairs: number;
  /** The Monte Carlo means order the pair as the tree does. */
  agree: number;
  /** The Monte Carlo means are equal (e.g. both sides always fail). */
  ties: number;
  disagree: number;
}

/** Mean return of K rollouts from the node at `path` (its own return when it ends the episode). */
export async function monteCarloValue(
  env: Env,
  policy: Policy,
  tree: TreeFile,
  path: readonly number[],
  rollouts: number,
  seed: number,
): Promise<number> {
  const nodes = nodesAlong(tree.root, path);
  const node = nodes[nodes.length - 1]!;
  if (node.terminal) return env.returns.terminal(node.reward);
  if (node.depthLimited) return env.returns.depthLimit;
  if (node.state === null)
    throw new Error(`tree ${tree.taskId} has no env state (imported?): cannot roll out`);
  let total = 0;
  for (let k = 0; k < rollouts; k++) {
    let state: unknown = structuredClone(node.state);
    const history = historyOf(nodes);
    let value = env.returns.depthLimit;
    for (let depth = node.depth; depth < tree.maxDepth; depth++) {
      const context = { env: tree.env, taskId: tree.taskId, task: tree.task, history };
      const reply = await policy.propose(policyMessages(context), 1, {
        seed: seedFrom(seed, tree.taskId, 'mc', path.join('.'), k, depth),
      });
      const step = parseReply(reply.candidates[0] ?? '');
      const result = await env.step(state, step.action);
      if (result.done) {
        value = env.returns.terminal(result.reward);
        break;
      }
      state = result.state;
      history.push({ text: step.text, action: step.action, observation: result.observation });
    }
    total += value;
  }
  return total / rollouts;
}

export async function pairAgreement(
  env: Env,
  policy: Policy,
  trees: readonly TreeFile[],
  options: PairOptions & { rollouts: number; seed: number },
): Promise<PairAgreement> {
  const out: PairAgreement = { pairs: 0, agree: 0, ties: 0, disagree: 0 };
  for (const tree of trees) {
    for (const sel of pairSelections(tree, options)) {
      const chosen = await monteCarloValue(
        env,
        policy,
        tree,
        [...sel.path, sel.chosen],
        options.rollouts,
        options.seed,
      );
      const rejected = await monteCarloValue(
        env,
        policy,
        tree,
        [...sel.path, sel.rejected],
        options.rollouts,
        options.seed,
      );
      out.pairs++;
      if (chosen > rejected) out.agree++;
      else if (chosen === rejected) out.ties++;
      else out.disagree++;
    }
  }
  return out;
}
