/**
 * The conformance suite every registered env passes (src/envs/conformance.test.ts runs it for
 * all of them; env authors run it on theirs). It checks what the search relies on when it
 * keeps a plain-JSON state per tree node and resumes from it:
 * - the registration agrees with the env it builds (name, depth limit, returns);
 * - `reset` is deterministic;
 * - every state survives a JSON round trip unchanged;
 * - `step` never mutates the state it is given;
 * - an invalid action is reported as such and leaves the state unchanged;
 * - stepping from a restored (JSON round-tripped) state gives the same result as stepping
 *   from the original.
 * Actions come from the env's heuristic policy (or the caller's `actions`), along episodes of
 * up to the depth limit, so the checks run on states deep inside real episodes.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Env, StepResult } from '../core/env.js';
import type { HistoryStep } from '../core/messages.js';
import type { Policy } from '../core/policy.js';
import { getEnv, type EnvDefinition } from '../core/registry.js';
import { seedFrom } from '../core/rng.js';
import { policyMessages } from '../agent/conversation.js';
import { parseReply } from '../agent/parse.js';

export interface ConformanceOptions {
  /** Data to build the env from (default: the registration's `data.sample`, else its default). */
  data?: string;
  /** How many tasks to play (default 3), taken from the start of the task list. */
  tasks?: number;
  seed?: number;
  /** Where actions come from (default: the env's heuristic policy). */
  policy?: Policy;
  /** Candidates sampled per step; each is checked, the first valid one is followed (default 3). */
  candidates?: number;
  /** A string the env must reject as an action (default: `@@ not an action @@`). */
  invalidAction?: string;
}

export interface ConformanceReport {
  env: string;
  /** Checks run (each state/action pair counts once per property). */
  checks: number;
  /** Steps taken along the episodes. */
  steps: number;
  /** One line per failed check, naming task, depth and property; empty when the env conforms. */
  failures: string[];
}

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function checkEnvConformance(
  envOrDefinition: string | EnvDefinition<object>,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const definition =
    typeof envOrDefinition === 'string' ? getEnv(envOrDefinition) : envOrDefinition;
  const seed = options.seed ?? 0;
  const bundle = await definition.create({
    data: options.data ?? definition.data.sample ?? definition.data.default,
    seed,
  });
  const env = bundle.env as Env<unknown>;
  const report: ConformanceReport = { env: definition.name, checks: 0, steps: 0, failures: [] };
  const check = (ok: boolean, where: string, property: string) => {
    report.checks++;
    if (!ok) report.failures.push(`${definition.name} ${where}: ${property}`);
  };

  check(env.name === definition.name, 'env', `builds an env named "${env.name}"`);
  check(env.maxDepth === definition.maxDepth, 'env', 'depth limit differs from the registration');
  check(env.returns === definition.returns, 'env', 'return rules differ from the registration');

  const policy = options.policy ?? definition.heuristicPolicy?.();
  if (!policy)
    throw new Error(`${definition.name}: no heuristic policy; pass options.policy to play it`);
  const invalid = options.invalidAction ?? '@@ not an action @@';
  const n = options.candidates ?? 3;

  for (const taskId of bundle.tasks.ids.slice(0, options.tasks ?? 3)) {
    const first = await env.reset(taskId);
    const again = await env.reset(taskId);
    check(isDeepStrictEqual(first, again), `task ${taskId}`, 'reset is not deterministic');

    let state = first.state;
    const history: HistoryStep[] = [];
    for (let depth = 0; depth < env.maxDepth; depth++) {
      const where = `task ${taskId} depth ${depth}`;
      check(
        isDeepStrictEqual(roundTrip(state), state),
        where,
        'state changes in a JSON round trip',
      );

      const bad = await stepChecked(env, state, invalid);
      check(!bad.result.valid, where, `accepts the invalid action "${invalid}"`);
      check(bad.unmutated, where, 'step mutated its input state (invalid action)');
      check(
        isDeepStrictEqual(bad.result.state, state),
        where,
        'an invalid action changed the state',
      );

      const reply = await policy.propose(
        policyMessages({ env: definition.name, taskId, task: first.observation, history }),
        n,
        { seed: seedFrom(seed, taskId, depth) },
      );
      let next: { text: string; action: string; result: StepResult<unknown> } | undefined;
      for (const raw of reply.candidates) {
        const step = parseReply(raw);
        const original = await stepChecked(env, state, step.action);
        check(original.unmutated, where, `step mutated its input state (${step.action})`);
        const restored = await env.step(roundTrip(state), step.action);
        check(
          isDeepStrictEqual(restored, original.result),
          where,
          `stepping from a restored state differs (${step.action})`,
        );
        if (!next && original.result.valid)
          next = { text: step.text, action: step.action, result: original.result };
      }
      if (!next) break;
      report.steps++;
      if (next.result.done) break;
      history.push({ text: next.text, action: next.action, observation: next.result.observation });
      state = next.result.state;
    }
  }
  return report;
}

async function stepChecked(env: Env<unknown>, state: unknown, action: string) {
  const before = structuredClone(state);
  const result = await env.step(state, action);
  return { result, unmutated: isDeepStrictEqual(state, before) };
}
