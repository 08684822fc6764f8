/**
 * One evaluation episode. Greedy, best-of-n-random and Q-guided share this loop and
 * differ only in how many candidates are sampled and which one is executed. Unchosen
 * candidates are never executed (the official code runs them all, method-spec §9.6).
 */
import type { Env } from '../core/env.js';
import type { HistoryStep, StepContext } from '../core/messages.js';
import { addUsage, emptyUsage, type Policy } from '../core/policy.js';
import type { QModel } from '../core/qmodel.js';
import { Rng, seedFrom } from '../core/rng.js';
import { policyMessages } from '../agent/conversation.js';
import { distinctSteps } from '../agent/parse.js';
import type { Algorithm, CandidateLog, StepLog, Trajectory } from './trajectory.js';

export interface EpisodeOptions {
  env: Env;
  policy: Policy;
  algorithm: Algorithm;
  /** Candidates per step for best-of-n-random and qguided (greedy samples 1). */
  n: number;
  qmodel?: QModel;
  maxDepth: number;
  seed: number;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

export async function runEpisode(taskId: string, options: EpisodeOptions): Promise<Trajectory> {
  const { env, policy, algorithm, qmodel } = options;
  if (algorithm === 'qguided' && !qmodel) throw new Error('qguided needs a Q-value model');
  const started = performance.now();
  const usage = emptyUsage();
  const pickRng = new Rng(seedFrom(options.seed, taskId, 'pick'));
  const reset = await env.reset(taskId);
  let state = reset.state;
  const history: HistoryStep[] = [];
  const steps: StepLog[] = [];
  let finalReward = 0;
  let done = false;
  let info: Record<string, number> = {};
  const base = {
    format: 'stepq.trajectory/1' as const,
    env: env.name,
    taskId,
    task: reset.observation,
    algorithm,
    policy: policy.name,
    ...(qmodel ? { qmodel: qmodel.name } : {}),
    n: algorithm === 'greedy' ? 1 : options.n,
    seed: options.seed,
  };
  try {
    for (let depth = 0; depth < options.maxDepth && !done; depth++) {
      const context: StepContext = { env: env.name, taskId, task: reset.observation, history };
      const reply = await policy.propose(policyMessages(context), base.n, {
        seed: seedFrom(options.seed, taskId, depth),
      });
      addUsage(usage, reply.usage);
      const { steps: distinct, sourceOf } = distinctSteps(reply.candidates);
      const candidates: CandidateLog[] = distinct.map((step) => ({
        text: step.text,
        action: step.action,
      }));
      if (candidates.length === 0) candidates.push({ text: '', action: '' });
      let chosen = 0;
      // A uniform pick among the n raw samples (not among distinct actions), so the control
      // follows the policy's own distribution, as greedy does: only the Q-value model differs.
      if (algorithm === 'best-of-n-random' && sourceOf.length > 0)
        chosen = sourceOf[pickRng.int(sourceOf.length)] as number;
      else if (algorithm === 'qguided' && candidates.length > 1) {
        const qs = await (qmodel as QModel).score(
          context,
          candidates.map((c) => c.text),
        );
        qs.forEach((q, i) => ((candidates[i] as CandidateLog).q = q));
        chosen = argmax(qs);
      }
      const pick = candidates[chosen] as CandidateLog;
      const result = await env.step(state, pick.action);
      state = result.state;
      history.push({ text: pick.text, action: pick.action, observation: result.observation });
      steps.push({
        depth,
        candidates,
        chosen,
        observation: result.observation,
        reward: result.reward,
        done: result.done,
        valid: result.valid,
      });
      if (result.done) {
        done = true;
        finalReward = result.reward;
        info = result.info ?? {};
      }
    }
  } catch (err) {
    return {
      ...base,
      steps,
      reward: 0,
      success: false,
      depthLimited: false,
      info: {},
      usage,
      wallSeconds: (performance.now() - started) / 1000,
      error: err instanceof Error ? err.message : String(err),
    };
  }
  return {
    ...base,
    steps,
    reward: finalReward,
    success: done && env.returns.isSuccess(finalReward),
    depthLimited: !done,
    info,
    usage,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
