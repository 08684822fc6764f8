import type { Message } from './messages.js';

/** LLM usage of one or more calls. */
export interface Usage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export function emptyUsage(): Usage {
  return { calls: 0, promptTokens: 0, completionTokens: 0 };
}

export function addUsage(into: Usage, more: Usage): Usage {
  into.calls += more.calls;
  into.promptTokens += more.promptTokens;
  into.completionTokens += more.completionTokens;
  return into;
}

export interface ProposeOptions {
  /** Seed for this request; the caller derives it from (task, node, iteration) so runs reproduce. */
  seed: number;
  signal?: AbortSignal;
}

export interface PolicyReply {
  /** Raw assistant texts, one per candidate (may be fewer than n if the backend returned fewer). */
  candidates: string[];
  usage: Usage;
}

/**
 * Proposes the next step: given the conversation so far, n candidate assistant replies
 * (`Thought: ... Action: ...`). Parsing into thought/action is the agent layer's job.
 */
export interface Policy {
  /** e.g. `heuristic`, `openai:gpt-4o-mini`. */
  readonly name: string;
  propose(messages: readonly Message[], n: number, options: ProposeOptions): Promise<PolicyReply>;
}
