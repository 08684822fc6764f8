/**
 * Turns a one-step sampler into a Policy: each of the n candidates is drawn independently
 * from its own Rng forked from the request seed, so the same seed gives the same replies.
 * Usage counts one call per request and estimates tokens as characters / 4, so the
 * accounting of runs with the embedded heuristic looks like that of an LLM backend.
 */
import type { Message } from '../../core/messages.js';
import type { Policy, PolicyReply } from '../../core/policy.js';
import { Rng, seedFrom } from '../../core/rng.js';

/** Draws one assistant reply (`Thought: ...\nAction: ...`) for the conversation. */
export type StepSampler = (messages: readonly Message[], rng: Rng) => string;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function samplingPolicy(name: string, sampleOne: StepSampler): Policy {
  return {
    name,
    async propose(messages, n, options): Promise<PolicyReply> {
      options.signal?.throwIfAborted();
      const root = new Rng(seedFrom(name, options.seed));
      const candidates: string[] = [];
      for (let i = 0; i < n; i++) candidates.push(sampleOne(messages, root.fork(i)));
      const promptChars = messages.reduce((sum, m) => sum + m.content.length, 0);
      return {
        candidates,
        usage: {
          calls: 1,
          promptTokens: Math.ceil(promptChars / 4),
          completionTokens: candidates.reduce((sum, c) => sum + estimateTokens(c), 0),
        },
      };
    },
  };
}
