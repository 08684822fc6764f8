/**
 * One evaluation episode. Every decision rule (./decision) shares this loop: rules differ
 * only in how many candidates are sampled and which one is executed. Unchosen
 * candidates are never executed (the official code runs them all, docs/method.md#execute-before-select).
 */
import type { Env } from '../core/env.js';
import { FatalRunError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';
import type { HistoryStep, StepContext } from '../core/messages.js';
import { addUsage, emptyUsage, type Policy } from '../core/policy.js';
import type { QModel } from '../core/qmodel.js';
import { Rng, seedFrom } from '../core/rng.js';
import { policyMessages } from '../agent/conversation.js';
import { distinctSteps } from '../agent/parse.js';
import { getDecisionRule } from './decision/index.js';
import type { Algorithm, CandidateLog, StepLog, Trajectory } from './trajectory.js';

export interface EpisodeOptions {
  env: Env;
  policy: Policy;
  /** A registered decision rule's name (./decision). */
  algorithm: Algorithm;
  /** Candidates per step asked for (the rule may ask for fewer: greedy samples 1). */
  n: number;
  qmodel?: QModel;
  maxDepth: number;
  seed: number;
}

export async function runEpisode(taskId: string, options: EpisodeOptions): Promise<Trajectory> {
  const { env, policy, algorithm, qmodel } = options;
  const rule = getDecisionRule(algorithm);
  if (rule.needsQModel && !qmodel) throw new Error(`${algorithm} needs a Q-value model`);
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
    n: rule.samples(options.n),
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
      const votes = distinct.map(() => 0);
      for (const i of sourceOf) votes[i] = (votes[i] as number) + 1;
      const candidates: CandidateLog[] = distinct.map((step, i) => ({
        text: step.text,
        action: step.action,
        votes: votes[i] as number,
      }));
      if (candidates.length === 0) candidates.push({ text: '', action: '', votes: 0 });
      const decision = await rule.decide({
        context,
        candidates: candidates.map((c) => c.text),
        sourceOf,
        votes: candidates.map((c) => c.votes ?? 0),
        rng: pickRng,
        ...(qmodel ? { qmodel } : {}),
      });
      decision.q?.forEach((q, i) => {
        // -Infinity (a candidate the Q-value model could not score) is logged as no q: JSON has no infinity.
        if (candidates[i] && Number.isFinite(q)) candidates[i].q = q;
      });
      const chosen = decision.chosen;
      if (!Number.isInteger(chosen) || chosen < 0 || chosen >= candidates.length)
        throw new Error(
          `decision rule ${algorithm} chose candidate ${chosen} of ${candidates.length}`,
        );
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
    if (err instanceof FatalRunError) throw err; // ends the run, not just this episode
    return {
      ...base,
      steps,
      reward: 0,
      success: false,
      depthLimited: false,
      info: {},
      usage,
      wallSeconds: (performance.now() - started) / 1000,
      error: redactSecrets(err instanceof Error ? err.message : String(err)),
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
