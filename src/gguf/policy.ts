/**
 * The agent policy from a GGUF model in-process (`--policy gguf:<model.gguf>`). The chat is
 * rendered with the model's own template (node-llama-cpp resolves a chat wrapper from the
 * GGUF metadata). Sampling follows the OpenAI policy: temperature and top_p only (no top-k or
 * min-p), at most max_tokens, stop at "Observation" (and at the template's end-of-turn).
 * Candidate i is sampled with seed + i, as the OpenAI policy does without `n`, so the same
 * seed gives the same candidates. Candidates are generated one after another on one
 * sequence: the prompt's KV cache is reused across candidates and across steps.
 */
import { basename } from 'node:path';
import type { PolicyOptions } from '../agent/policy-factory.js';
import type { Message } from '../core/messages.js';
import type { Policy, PolicyReply, ProposeOptions } from '../core/policy.js';
import { POLICY_STOP, truncateAtStop } from '../llm/stop.js';
import type { ChatHistoryItem, ChatWrapperLike, Token } from './llama-api.js';
import { getRuntime, ggufThreads, loadGgufModel } from './runtime.js';
import { SharedSequence, withBos } from './sequence.js';
import { DEFAULT_CONTEXT_CAP, parseGgufPolicySpec, type GgufPolicySpec } from './spec.js';

export interface GgufPolicyExtras {
  /** Stop strings; default POLICY_STOP ("Observation"). */
  stop?: readonly string[];
  reusePrefix?: boolean;
}

interface Loaded {
  shared: SharedSequence;
  wrapper: ChatWrapperLike;
  /** End-of-turn texts of the template, cut off like the stop strings. */
  templateStops: string[];
}

function chatHistory(messages: readonly Message[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'assistant'
      ? { type: 'model', response: [m.content] }
      : { type: m.role, text: m.content },
  );
  history.push({ type: 'model', response: [] }); // the turn to generate
  return history;
}

export class GgufPolicy implements Policy {
  readonly name: string;
  private loaded: Promise<Loaded> | undefined;
  private readonly stop: readonly string[];

  constructor(
    readonly spec: GgufPolicySpec,
    private readonly options: Pick<PolicyOptions, 'temperature' | 'topP' | 'maxTokens'>,
    private readonly extras: GgufPolicyExtras = {},
  ) {
    this.name = `gguf:${basename(spec.path)}`;
    this.stop = extras.stop ?? POLICY_STOP;
  }

  ready(): Promise<Loaded> {
    this.loaded ??= (async () => {
      const model = await loadGgufModel(this.spec.path, 'policy');
      const { module } = await getRuntime('policy');
      const wrapper = module.resolveChatWrapper(model);
      const contextSize =
        this.spec.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
      const context = await model.createContext({
        contextSize,
        sequences: 1,
        threads: ggufThreads(),
      });
      const state = wrapper.generateContextState({
        chatHistory: [
          { type: 'user', text: 'x' },
          { type: 'model', response: [] },
        ],
      });
      const templateStops = state.stopGenerationTriggers
        .map((t) => model.detokenize(t.tokenize(model.tokenizer), true))
        .filter((s) => s.trim() !== '');
      return {
        shared: new SharedSequence(model, context.getSequence(), this.extras.reusePrefix ?? true),
        wrapper,
        templateStops,
      };
    })();
    return this.loaded;
  }

  /** Frees the context (the model stays loaded for others; see disposeGgufRuntime). */
  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (loaded) await (await loaded).shared.sequence.context.dispose();
  }

  /** The prompt tokens for `messages`, rendered with the model's chat template. */
  async promptTokens(messages: readonly Message[]): Promise<Token[]> {
    const { shared, wrapper } = await this.ready();
    const text = wrapper.generateContextState({ chatHistory: chatHistory(messages) }).contextText;
    return withBos(shared.model, text.tokenize(shared.model.tokenizer));
  }

  async propose(
    messages: readonly Message[],
    n: number,
    options: ProposeOptions,
  ): Promise<PolicyReply> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`propose needs n >= 1, got ${n}`);
    const { shared, templateStops } = await this.ready();
    const prompt = await this.promptTokens(messages);
    return shared.exclusive(async () => {
      const candidates: string[] = [];
      let completionTokens = 0;
      for (let i = 0; i < n; i++) {
        options.signal?.throwIfAborted();
        const { text, generated } = await this.sampleOne(
          shared,
          prompt,
          options.seed + i,
          templateStops,
          options.signal,
        );
        candidates.push(text);
        completionTokens += generated;
      }
      return { candidates, usage: { calls: 1, promptTokens: prompt.length, completionTokens } };
    });
  }

  /**
   * One candidate. The prompt minus its last token is prefilled (or found in the cache), then
   * the last token is evaluated on its own and sampling starts: the first sampled token's
   * logits are computed the same way whether or not the prefix was cached.
   */
  private async sampleOne(
    shared: SharedSequence,
    prompt: readonly Token[],
    seed: number,
    templateStops: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ text: string; generated: number }> {
    const last = prompt.length - 1;
    const start = await shared.alignTo(prompt, last);
    if (start < last)
      await shared.sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(start, last));
    const out: Token[] = [];
    const stops = [...this.stop, ...templateStops];
    let text = '';
    const sampling = {
      temperature: this.options.temperature,
      topP: this.options.topP,
      topK: 0,
      minP: 0,
      seed: seed >>> 0,
    };
    for await (const token of shared.sequence.evaluate([prompt[last] as Token], sampling)) {
      out.push(token);
      text = shared.model.detokenize(out, true);
      if (
        stops.some((s) => text.includes(s)) ||
        out.length >= this.options.maxTokens ||
        signal?.aborted
      )
        break;
    }
    signal?.throwIfAborted();
    return { text: truncateAtStop(text, stops), generated: out.length };
  }
}

/** Parses the spec and loads the model up front, so a missing package or bad file fails early. */
export async function loadGgufPolicy(
  spec: string,
  options: Pick<PolicyOptions, 'temperature' | 'topP' | 'maxTokens'>,
  extras: GgufPolicyExtras = {},
): Promise<GgufPolicy> {
  const policy = new GgufPolicy(parseGgufPolicySpec(spec), options, extras);
  await policy.ready();
  return policy;
}
