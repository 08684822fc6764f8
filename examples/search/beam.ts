/**
 * Example: a second search algorithm written against stepq's public API, in one file.
 * Beam search over Q estimates: from the root, expand every node of the beam (n candidates
 * each, deduplicated, executed from the parent's state), value each new child by `rollouts`
 * rollouts (a terminal or depth-limited child by its own return), back the values up, and
 * keep the `width` open children with the highest Q as the next beam. One depth level is one
 * iteration. Every node it keeps gets visits and a Q, so `stepq pairs` works on its trees.
 *
 *   import './beam.js';  // registers `beam`
 *   await collectTrees({ algorithm: 'beam', config: { maxDepth: 4, seed: 0, width: 3 }, ... });
 */
import { z } from 'zod';
import {
  backpropagate,
  createRoot,
  emptyUsage,
  expandNode,
  finishTree,
  registerSearchAlgorithm,
  rollout,
  seedFrom,
  type SearchAlgorithmSpec,
  type TaskScope,
  type TreeNode,
} from 'stepq';

const beamOptions = z.strictObject({
  /** Nodes kept per depth. */
  width: z.number().int().min(1).default(2),
  /** Candidates requested per expansion. */
  n: z.number().int().min(1).default(3),
  /** Rollouts that value each new open child. */
  rollouts: z.number().int().min(1).default(1),
});

type BeamParams = z.infer<typeof beamOptions>;

/** A root-first path plus the child indices that lead to it (the seed key). */
interface BeamEntry {
  path: TreeNode[];
  key: string;
}

export const beamSearch: SearchAlgorithmSpec<BeamParams> = {
  name: 'beam',
  description: 'beam search: per depth, keep the `width` children with the highest rollout Q',
  options: beamOptions,
  create: (deps, settings, params) => ({
    name: 'beam',
    params,
    async search(taskId, options = {}) {
      const started = performance.now();
      const usage = emptyUsage();
      const { env } = deps;
      const root = await createRoot(env, taskId);
      const scope: TaskScope = {
        ...deps,
        taskId,
        task: root.observation,
        maxDepth: settings.maxDepth,
        signal: options.signal,
        usage,
      };
      let beam: BeamEntry[] = [{ path: [root], key: 'r' }];
      let iterationsRun = 0;
      let rolloutSteps = 0;
      let rolloutSuccesses = 0;
      while (beam.length > 0 && iterationsRun < settings.maxDepth) {
        options.signal?.throwIfAborted();
        const open: BeamEntry[] = [];
        for (const { path, key } of beam) {
          const parent = path[path.length - 1] as TreeNode;
          const seed = seedFrom(settings.seed, taskId, 'beam-expand', key);
          parent.children = await expandNode(scope, path, params.n, seed);
          for (const [i, child] of parent.children.entries()) {
            const entry = { path: [...path, child], key: `${key}.${i}` };
            if (child.terminal || child.depthLimited) {
              const value = child.terminal
                ? env.returns.terminal(child.reward)
                : env.returns.depthLimit;
              backpropagate(entry.path, value);
              continue;
            }
            for (let k = 0; k < params.rollouts; k++) {
              const result = await rollout(scope, entry.path, (depth) =>
                seedFrom(settings.seed, taskId, 'beam-rollout', entry.key, k, depth),
              );
              rolloutSteps += result.steps;
              if (result.success) rolloutSuccesses++;
              backpropagate(entry.path, result.value);
            }
            open.push(entry);
          }
        }
        // Highest Q first; the sort is stable, so ties keep the proposal order.
        beam = open.sort((a, b) => (b.path.at(-1)?.q ?? 0) - (a.path.at(-1)?.q ?? 0));
        beam = beam.slice(0, params.width);
        options.onIteration?.(iterationsRun);
        iterationsRun++;
      }
      return finishTree({
        env,
        policy: deps.policy,
        taskId,
        settings,
        algorithm: 'beam',
        params,
        root,
        stats: {
          iterationsRun,
          stopReason: beam.length === 0 ? 'exhausted' : 'budget',
          llmCalls: usage.calls,
          promptTokens: usage.promptTokens,
          completionTokens: usage.completionTokens,
          rolloutSteps,
          rolloutSuccesses,
          wallSeconds: (performance.now() - started) / 1000,
        },
      });
    },
  }),
};

registerSearchAlgorithm(beamSearch);
