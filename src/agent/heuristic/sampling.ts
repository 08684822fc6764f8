/**
 * Turns a one-step sampler into a Policy: each of the n candidates is drawn independently
 * from its own Rng forked from the request seed, so the same seed gives the same replies.
 * Usage counts one call per request and estimates tokens like the policy server does (src/text/tokens.ts), so the
 * accounting of runs with the embedded heuristic looks like that of an LLM backend.
 */
import type { Message } from '../../core/messages.js';
import type { Policy, PolicyReply } from '../../core/policy.js';
import { Rng, seedFrom } from '../../core/rng.js';
import { estimatePromptTokens, estimateTokens } from '../../text/tokens.js';

/** One weighted option a heuristic player may sample at a decision point. */
export interface Move {
  thought: string;
  action: string;
  weight: number;
}

/** Fills `{name}` slots of a thought template. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
}

/** Draws one assistant reply (`Thought: ...\nAction: ...`) for the conversation. */
export type StepSampler = (messages: readonly Message[], rng: Rng) => string;

/**
 * Reads the conversation once and returns the drawer of one reply: a sampler whose analysis
 * of the conversation is shared by the n candidates of one request (and nothing else).
 */
export type StepPreparer = (messages: readonly Message[]) => (rng: Rng) => string;

export function samplingPolicy(name: string, sampleOne: StepSampler): Policy {
  return preparedSamplingPolicy(name, (messages) => (rng) => sampleOne(messages, rng));
}

/** samplingPolicy for a sampler that analyses the conversation once per `propose` call. */
export function preparedSamplingPolicy(name: string, prepare: StepPreparer): Policy {
  return {
    name,
    async propose(messages, n, options): Promise<PolicyReply> {
      options.signal?.throwIfAborted();
      const root = new Rng(seedFrom(name, options.seed));
      const draw = prepare(messages);
      const candidates: string[] = [];
      for (let i = 0; i < n; i++) candidates.push(draw(root.fork(i)));
      return {
        candidates,
        usage: {
          calls: 1,
          promptTokens: estimatePromptTokens(messages),
          completionTokens: candidates.reduce((sum, c) => sum + estimateTokens(c), 0),
        },
      };
    },
  };
}
