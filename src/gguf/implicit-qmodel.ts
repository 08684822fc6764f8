/**
 * The DPO implicit-reward Q-value model with GGUF models in-process (no server):
 *   Q(s,a) = β · Σ_t [log π(a_t | s, a_<t) − log π_ref(a_t | s, a_<t)]
 * over the same text and span as the HTTP `llm:` model (qModelMessages rendered by
 * chat-templates.ts; the reply and its end-of-turn marker), tokenised jointly with the prompt.
 * The prompt's KV cache is kept across candidates and decisions. With `lora=`, one copy of
 * the base weights serves both: the policy context carries the adapter, the reference does not.
 */
import { basename } from 'node:path';
import type { StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import {
  chatTemplate,
  scoringTexts,
  type ChatTemplate,
  type ScoringText,
} from '../qmodel/chat-templates.js';
import type { LlamaModelLike } from './llama-api.js';
import { checkGgufPath, ggufThreads, loadGgufModel } from './runtime.js';
import { SharedSequence, withBos } from './sequence.js';
import { DEFAULT_CONTEXT_CAP, parseGgufQModelSpec, type GgufQModelSpec } from './spec.js';
import { spanStartToken, teacherForcedLogprobs } from './teacher-forcing.js';

export interface GgufQModelOptions {
  /** false: re-evaluate every text from scratch (for tests of the cache reuse). */
  reusePrefix?: boolean;
}

interface Scorers {
  policy: SharedSequence;
  reference: SharedSequence;
}

export class GgufImplicitQModel implements QModel {
  readonly name: string;
  private readonly template: ChatTemplate;
  private scorers: Promise<Scorers> | undefined;

  constructor(
    readonly spec: GgufQModelSpec,
    private readonly options: GgufQModelOptions = {},
  ) {
    const what = spec.lora
      ? `${basename(spec.policy)}+${basename(spec.lora)}`
      : basename(spec.policy);
    this.name = `gguf:${what}/ref=${basename(spec.reference)}`;
    this.template = chatTemplate(spec.template);
    for (const path of [spec.policy, spec.reference, spec.lora])
      if (path) checkGgufPath(path, 'qmodel');
  }

  private async open(path: string, lora: string | undefined): Promise<SharedSequence> {
    const model: LlamaModelLike = await loadGgufModel(path, 'qmodel');
    const contextSize =
      this.spec.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
    const context = await model.createContext({
      contextSize,
      sequences: 1,
      threads: ggufThreads(),
      ...(lora ? { lora: { adapters: [{ filePath: lora }] } } : {}),
    });
    return new SharedSequence(model, context.getSequence(), this.options.reusePrefix ?? true);
  }

  private getScorers(): Promise<Scorers> {
    this.scorers ??= (async () => ({
      policy: await this.open(this.spec.policy, this.spec.lora),
      reference: await this.open(this.spec.reference, undefined),
    }))();
    return this.scorers;
  }

  /** Loads node-llama-cpp, the models and their contexts (else the first score() does). */
  async ready(): Promise<void> {
    await this.getScorers();
  }

  /** Summed span log-probs under the policy and the reference, per candidate with an action. */
  async spanLogprobs(
    context: StepContext,
    candidates: readonly string[],
  ): Promise<Array<{ index: number; policy: number; reference: number }>> {
    const items = scoringTexts(this.template, context, candidates);
    if (items.length === 0) return [];
    const { policy, reference } = await this.getScorers();
    const lpPolicy = await scoreAll(
      policy,
      items.map((i) => i.scoring),
    );
    const lpRef = await scoreAll(
      reference,
      items.map((i) => i.scoring),
    );
    return items.map((item, k) => ({
      index: item.index,
      policy: lpPolicy[k] as number,
      reference: lpRef[k] as number,
    }));
  }

  async score(context: StepContext, candidates: readonly string[]): Promise<number[]> {
    const q = candidates.map(() => 0);
    for (const s of await this.spanLogprobs(context, candidates))
      q[s.index] = this.spec.beta * (s.policy - s.reference);
    return q;
  }

  /** Frees the two contexts (the models stay loaded for others; see disposeGgufRuntime). */
  async dispose(): Promise<void> {
    const scorers = this.scorers;
    this.scorers = undefined;
    if (!scorers) return;
    const { policy, reference } = await scorers;
    await policy.sequence.context.dispose();
    await reference.sequence.context.dispose();
  }

  /** Tokens evaluated so far by the policy and reference sequences (prefill + scoring). */
  async evaluatedTokens(): Promise<number> {
    if (!this.scorers) return 0;
    const s = await this.scorers;
    return s.policy.evaluatedTokens + s.reference.evaluatedTokens;
  }
}

/** One model's summed span log-prob for each text, scored one after another on its sequence. */
async function scoreAll(
  shared: SharedSequence,
  scorings: readonly ScoringText[],
): Promise<number[]> {
  return shared.exclusive(async () => {
    const sums: number[] = [];
    for (const s of scorings) {
      const tokens = withBos(shared.model, shared.model.tokenize(s.text, true));
      const from = spanStartToken(shared.model, tokens, s.text, s.spanStart);
      if (from >= tokens.length)
        throw new Error('no token of the reply span was found in the tokenised text');
      const lps = await teacherForcedLogprobs(shared, tokens, from);
      sums.push(lps.reduce((a, b) => a + b, 0));
    }
    return sums;
  });
}

/** Parses the spec and loads everything up front, so a missing package or bad file fails before a run starts. */
export async function loadGgufQModel(
  spec: string,
  options: GgufQModelOptions = {},
): Promise<GgufImplicitQModel> {
  const model = new GgufImplicitQModel(parseGgufQModelSpec(spec), options);
  await model.ready();
  return model;
}
