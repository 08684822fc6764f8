/**
 * A tiny deterministic env and scripted policies for search tests and benchmarks.
 * Env `toy`: walk on a line from 0; `Move[+1]` / `Move[-1]` move, `Finish[]` ends the
 * episode with reward 1 at the task's target and 0 elsewhere; anything else is invalid.
 * The optimal path for target k is k times Move[+1] then Finish[].
 */
import type { Env, StepResult } from '../../core/env.js';
import type { Message } from '../../core/messages.js';
import type { Policy, PolicyReply } from '../../core/policy.js';
import { Rng } from '../../core/rng.js';
import { registerEnv } from '../../core/registry.js';

export interface ToyState {
  pos: number;
  target: number;
  /** Positions visited: a growing cursor-like log, to catch shared-state bugs. */
  trail: number[];
}

export const TOY_RETURNS = {
  terminal: (reward: number) => (reward === 1 ? 1 : -1),
  depthLimit: -0.5,
  isSuccess: (reward: number) => reward === 1,
};

export interface ToyEnvOptions {
  maxDepth?: number;
  /** Mutates the state it is given in place (a careless env): the search must still isolate branches. */
  mutateInPlace?: boolean;
  /** Milliseconds per step (benchmarks). */
  latencyMs?: number;
}

/** Task `t<k>` or `t<k>-<label>` has target k (k >= 0). */
export function createToyEnv(options: ToyEnvOptions = {}): Env<ToyState> & { steps: number } {
  const env = {
    name: 'toy',
    maxDepth: options.maxDepth ?? 4,
    returns: TOY_RETURNS,
    steps: 0,
    async reset(taskId: string) {
      const target = Number(/^t(\d+)(?:-.*)?$/s.exec(taskId)?.[1] ?? NaN);
      if (!Number.isInteger(target)) throw new Error(`toy env: unknown task ${taskId}`);
      return {
        state: { pos: 0, target, trail: [0] },
        observation: `Task: reach position ${target}, then Finish.`,
      };
    },
    async step(state: ToyState, action: string): Promise<StepResult<ToyState>> {
      env.steps++;
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const next = options.mutateInPlace ? state : { ...state, trail: [...state.trail] };
      const move = /^Move\[([+-]1)\]$/.exec(action);
      if (move) {
        next.pos += Number(move[1]);
        next.trail.push(next.pos);
        return {
          state: next,
          observation: `You are at ${next.pos}.`,
          reward: 0,
          done: false,
          valid: true,
        };
      }
      if (action === 'Finish[]') {
        const reward = state.pos === state.target ? 1 : 0;
        return {
          state: next,
          observation: reward ? 'Correct.' : 'Wrong place.',
          reward,
          done: true,
          valid: true,
        };
      }
      return {
        state,
        observation: `Invalid action: ${action}`,
        reward: 0,
        done: false,
        valid: false,
      };
    },
  };
  return env;
}

export interface ScriptedPolicyOptions {
  /** Candidate replies for a request; the first `n` are returned (cycled when fewer). */
  script?: (messages: readonly Message[], rng: Rng) => string[];
  latencyMs?: number;
  /** Throw for conversations whose task text contains this string. */
  failOn?: string;
  name?: string;
}

export const TOY_ACTIONS = ['Move[+1]', 'Move[-1]', 'Finish[]', 'Jump[]'];

/** Default script: the toy actions in a random order (seeded by the request). */
function randomToyReplies(_messages: readonly Message[], rng: Rng): string[] {
  return rng.shuffle(TOY_ACTIONS);
}

export function createScriptedPolicy(
  options: ScriptedPolicyOptions = {},
): Policy & { requests: number } {
  const script = options.script ?? randomToyReplies;
  const policy = {
    name: options.name ?? 'scripted',
    requests: 0,
    async propose(
      messages: readonly Message[],
      n: number,
      { seed }: { seed: number },
    ): Promise<PolicyReply> {
      policy.requests++;
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      if (options.failOn && messages.some((m) => m.content.includes(options.failOn as string))) {
        throw new Error(`scripted failure for "${options.failOn}"`);
      }
      const replies = script(messages, new Rng(seed));
      const candidates: string[] = [];
      for (let i = 0; i < n; i++) {
        const action = replies[i % replies.length] ?? '';
        candidates.push(
          action.startsWith('Thought:') ? action : `Thought: step ${i}.\nAction: ${action}`,
        );
      }
      const promptTokens = messages.reduce((s, m) => s + m.content.length, 0);
      return { candidates, usage: { calls: 1, promptTokens, completionTokens: 5 * n } };
    },
  };
  return policy;
}

/** The toy env's registration (tasks t0..t<N-1>; `data: 'builtin:toy:N'`, default N = 5). */
registerEnv({
  name: 'toy',
  description: 'walk on a line to the target position, then Finish',
  maxDepth: 4,
  returns: TOY_RETURNS,
  prompt: {
    instruction: 'Walk to the target position, then Finish. Actions: Move[+1], Move[-1], Finish[].',
    fewShot: [],
    formatObservation: (obs) => `Observation: ${obs}`,
  },
  heuristicPolicy: () => createScriptedPolicy(),
  data: { default: 'builtin:toy:5', accepted: ['builtin:toy[:N]'] },
  async create({ data }) {
    const m = /^builtin:toy(?::(\d+))?$/.exec(data ?? 'builtin:toy:5');
    if (!m) throw new Error(`toy env: unknown data ${data}`);
    const ids = Array.from({ length: Number(m[1] ?? 5) }, (_, k) => `t${k}`);
    return {
      env: createToyEnv() as Env,
      tasks: {
        ids,
        splits: {
          train: ids.filter((_, i) => i % 2 === 0),
          test: ids.filter((_, i) => i % 2 === 1),
        },
      },
      source: `toy: ${ids.length} targets`,
    };
  },
});
