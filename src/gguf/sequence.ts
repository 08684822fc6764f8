/**
 * One llama.cpp context sequence used for a series of evaluations that share prefixes:
 * candidates of one decision share the prompt, and the next decision's prompt extends this
 * one's. Before each evaluation the cached tokens that still match are kept (the KV cache
 * of the prompt) and only the rest is erased and evaluated. Calls are serialised, since a
 * sequence holds one state at a time.
 */
import type { LlamaModelLike, LlamaSequenceLike, Token } from './llama-api.js';

export class SharedSequence {
  private queue: Promise<unknown> = Promise.resolve();
  /** Tokens evaluated in total (prompt prefill and teacher forcing), for benchmarks. */
  evaluatedTokens = 0;

  constructor(
    readonly model: LlamaModelLike,
    readonly sequence: LlamaSequenceLike,
    /** false: clear the cache before every evaluation (tests compare both). */
    readonly reusePrefix = true,
  ) {}

  /** Runs `task` after every earlier task on this sequence has finished. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes the cache hold a prefix of `tokens` of length at most `keepAtMost` and returns that
   * length: the caller evaluates `tokens.slice(returned)` next.
   */
  async alignTo(tokens: readonly Token[], keepAtMost: number): Promise<number> {
    if (tokens.length > this.sequence.contextSize) {
      throw new Error(
        `${tokens.length} tokens do not fit the GGUF context of ${this.sequence.contextSize} tokens (raise it with ctx=N in the spec)`,
      );
    }
    if (!this.reusePrefix) {
      await this.sequence.clearHistory();
      this.evaluatedTokens += tokens.length;
      return 0;
    }
    const cached = this.sequence.contextTokens;
    let common = 0;
    const limit = Math.min(cached.length, tokens.length, keepAtMost);
    while (common < limit && cached[common] === tokens[common]) common++;
    const end = this.sequence.nextTokenIndex;
    if (common < end) await this.sequence.eraseContextTokenRanges([{ start: common, end }]);
    this.evaluatedTokens += tokens.length - common;
    return common;
  }
}

/** The model's BOS token in front of `tokens` when the model wants one and it is not there yet. */
export function withBos(model: LlamaModelLike, tokens: Token[]): Token[] {
  const bos = model.tokens.bos;
  if (bos === null || !model.tokens.shouldPrependBosToken || tokens[0] === bos) return tokens;
  return [bos, ...tokens];
}
