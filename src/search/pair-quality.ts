/**
 * How often a tree's preference pairs order their two steps the way a fresh Monte Carlo
 * estimate does: K new rollouts of the same policy from the chosen and from the rejected
 * node (restored from the stored env state). Used to compare collection settings, e.g.
 * early stop against the full budget (docs/tree-format.md).
 */
import type { Env } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import { seedFrom } from '../core/rng.js';
import { pairSelections, type PairOptions } from '../data/pairs.js';
import { nodesAlong, type TreeFile } from '../data/tree.js';
import { rollout, type TaskScope } from './steps.js';

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
  const scope: TaskScope = {
    env,
    policy,
    taskId: tree.taskId,
    task: tree.task,
    maxDepth: tree.maxDepth,
  };
  let total = 0;
  for (let k = 0; k < rollouts; k++) {
    const result = await rollout(scope, nodes, (depth) =>
      seedFrom(seed, tree.taskId, 'mc', path.join('.'), k, depth),
    );
    total += result.value;
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
