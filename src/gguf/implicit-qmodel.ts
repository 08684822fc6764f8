/**
 * The DPO implicit-reward Q-value model with GGUF models in-process (no server):
 *   Q(s,a) = β · Σ_t [log π(a_t | s, a_<t) − log π_ref(a_t | s, a_<t)]
 * over the same text and span as the HTTP `llm:` model: the completion rendered by
 * chat-templates.ts, located by token ids and truncated as in training (the token rule of
 * docs/llm-qmodel-contract.md §2, token-span.ts). `gguf:DIR` reads everything from a trained
 * folder's manifest. The prompt's KV cache is kept across candidates and decisions. With
 * `lora=`, one copy of the base weights serves both: the policy context carries the adapter,
 * the reference does not. Candidates without an action (or that cannot fit) get -Infinity.
 */
import { basename } from 'node:path';
import type { StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import { UserError } from '../core/errors.js';
import { chatTemplate, scoringTexts, type ChatTemplate } from '../qmodel/chat-templates.js';
import { manifestGgufFiles, readLlmManifest } from '../qmodel/llm-manifest.js';
import {
  completionSpan,
  implicitQ,
  TokenAlignmentError,
  type TokenSettings,
} from '../qmodel/token-span.js';
import type { LlamaModelLike } from './llama-api.js';
import { checkGgufPath, ggufThreads, loadGgufModel } from './runtime.js';
import { SharedSequence } from './sequence.js';
import { DEFAULT_CONTEXT_CAP, parseGgufQModelSpec, type GgufQModelSpec } from './spec.js';
import { teacherForcedLogprobs } from './teacher-forcing.js';

export interface GgufQModelOptions {
  /** false: re-evaluate every text from scratch (for tests of the cache reuse). */
  reusePrefix?: boolean;
  /** Called for each candidate ranked last because it could not be scored (default: stderr). */
  onUnscored?: (message: string) => void;
}

interface Scorers {
  policy: SharedSequence;
  reference: SharedSequence;
  tokens: TokenSettings;
}

/** One candidate's ids and where its completion starts. */
interface Scored {
  index: number;
  ids: number[];
  spanStart: number;
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
    if (!spec.lora && spec.policy === spec.reference)
      throw new UserError(
        `--qmodel: the policy and the reference are the same file (${spec.policy}): every Q would be 0`,
      );
    for (const path of [spec.policy, spec.reference, spec.lora])
      if (path) checkGgufPath(path, 'qmodel');
  }

  private async open(path: string, lora: string | undefined): Promise<SharedSequence> {
    const model: LlamaModelLike = await loadGgufModel(path, '--qmodel');
    // Room for the training truncation limit (the model's own context, capped, otherwise).
    const contextSize =
      this.spec.contextSize ??
      this.spec.maxLength ??
      Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
    if (this.spec.maxLength !== undefined && contextSize < this.spec.maxLength)
      throw new UserError(
        `--qmodel: ctx=${contextSize} is below the truncation limit of ${this.spec.maxLength} tokens the model was trained with`,
      );
    const context = await model.createContext({
      contextSize,
      sequences: 1,
      threads: ggufThreads(),
      ...(lora ? { lora: { adapters: [{ filePath: lora }] } } : {}),
    });
    return new SharedSequence(model, context.getSequence(), this.options.reusePrefix ?? true);
  }

  private getScorers(): Promise<Scorers> {
    this.scorers ??= (async () => {
      const policy = await this.open(this.spec.policy, this.spec.lora);
      const reference = await this.open(this.spec.reference, undefined);
      const model = policy.model;
      const tokens: TokenSettings = {
        ...(this.spec.tokens ?? {
          addBos: model.tokens.bos !== null && model.tokens.shouldPrependBosToken,
          bosId: model.tokens.bos,
          appendEos: false,
          eosId: null,
        }),
        maxLength: this.spec.maxLength ?? policy.sequence.contextSize,
      };
      const scorers = { policy, reference, tokens };
      try {
        await this.probe(scorers);
      } catch (err) {
        await policy.sequence.context.dispose();
        await reference.sequence.context.dispose();
        throw err;
      }
      return scorers;
    })();
    this.scorers.catch(() => (this.scorers = undefined));
    return this.scorers;
  }

  /** Two files (or base with and without adapter) with identical log-probs are one model. */
  private async probe(scorers: Scorers): Promise<void> {
    const prompt = this.template.renderPrompt([{ role: 'user', content: 'Question: a probe?' }]);
    const completion = this.template.renderCompletion('Thought: a probe.\nAction: Finish[probe]');
    const [item] = this.toIds(scorers, prompt, [{ index: 0, completion }]);
    if (!item) return;
    const a = await logprobsOf(scorers.policy, item);
    const b = await logprobsOf(scorers.reference, item);
    if (a.length === b.length && a.every((v, i) => v === b[i]))
      throw new UserError(
        `--qmodel: the policy and the reference give identical log-probs on a probe text: they are one model, and every Q would be 0 (${this.name})`,
      );
  }

  /** The token rule applied to each completion (tokenised jointly with the prompt). */
  private toIds(
    scorers: Scorers,
    prompt: string,
    items: ReadonlyArray<{ index: number; completion: string }>,
  ): Scored[] {
    const model = scorers.policy.model;
    const promptIds = model.tokenize(prompt, true);
    const out: Scored[] = [];
    for (const item of items) {
      let span;
      try {
        span = completionSpan(
          promptIds,
          model.tokenize(prompt + item.completion, true),
          scorers.tokens,
        );
      } catch (err) {
        if (err instanceof TokenAlignmentError)
          throw new Error(`--qmodel ${this.name}: candidate ${item.index}: ${err.message}`, {
            cause: err,
          });
        throw err;
      }
      if (!span.ok) {
        (this.options.onUnscored ?? ((m: string) => process.stderr.write(`${m}\n`)))(
          `stepq: --qmodel: candidate ${item.index} ranked last: ${span.reason}`,
        );
        continue;
      }
      out.push({ index: item.index, ids: span.ids, spanStart: span.spanStart });
    }
    return out;
  }

  /** Loads node-llama-cpp, the models and their contexts (else the first score() does). */
  async ready(): Promise<void> {
    await this.getScorers();
  }

  /** Summed span log-probs under the policy and the reference, per candidate scored. */
  async spanLogprobs(
    context: StepContext,
    candidates: readonly string[],
  ): Promise<Array<{ index: number; policy: number; reference: number; length: number }>> {
    const items = scoringTexts(this.template, context, candidates);
    if (items.length === 0) return [];
    const scorers = await this.getScorers();
    const prompt = (items[0] as (typeof items)[number]).scoring.prompt;
    const scored = this.toIds(
      scorers,
      prompt,
      items.map((i) => ({ index: i.index, completion: i.scoring.completion })),
    );
    const lpPolicy = await scoreAll(scorers.policy, scored);
    const lpRef = await scoreAll(scorers.reference, scored);
    return scored.map((s, k) => ({
      index: s.index,
      policy: lpPolicy[k] as number,
      reference: lpRef[k] as number,
      length: s.ids.length - s.spanStart,
    }));
  }

  async score(context: StepContext, candidates: readonly string[]): Promise<number[]> {
    const q = candidates.map(() => -Infinity);
    for (const s of await this.spanLogprobs(context, candidates))
      q[s.index] = implicitQ(this.spec.beta, this.spec.span, s.policy, s.reference, s.length);
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

/** The log-probs of one sequence's completion tokens. */
function logprobsOf(shared: SharedSequence, s: Scored): Promise<number[]> {
  return shared.exclusive(() => teacherForcedLogprobs(shared, s.ids, s.spanStart));
}

/** One model's summed completion log-prob for each sequence, one after another on its sequence. */
async function scoreAll(shared: SharedSequence, scored: readonly Scored[]): Promise<number[]> {
  const sums: number[] = [];
  for (const s of scored) sums.push((await logprobsOf(shared, s)).reduce((a, b) => a + b, 0));
  return sums;
}

/** Parses the spec and loads everything up front, so a missing package or bad file fails before a run starts. */
export async function loadGgufQModel(
  spec: string,
  options: GgufQModelOptions = {},
): Promise<GgufImplicitQModel> {
  const parsed = parseGgufQModelSpec(spec);
  if (parsed.folder) return createGgufQModelFromFolder(parsed.folder, options, parsed.contextSize);
  const model = new GgufImplicitQModel(parsed, options);
  await model.ready();
  return model;
}

/**
 * The in-process scorer of a trained folder: its manifest names the GGUF files (policy and
 * reference, or base + LoRA adapter) and fixes beta, template, span rule, truncation and
 * token rule. Loads the models and probes them.
 */
export async function createGgufQModelFromFolder(
  dir: string,
  options: GgufQModelOptions = {},
  contextSize?: number,
): Promise<GgufImplicitQModel> {
  const m = readLlmManifest(dir);
  const files = manifestGgufFiles(dir, m);
  const model = new GgufImplicitQModel(
    {
      policy: files.policy,
      reference: files.reference,
      ...(files.lora ? { lora: files.lora } : {}),
      beta: m.beta,
      template: m.template,
      span: m.span,
      tokens: m.tokens,
      maxLength: m.truncation.maxLength,
      folder: dir,
      ...(contextSize !== undefined ? { contextSize } : {}),
    },
    options,
  );
  await model.ready();
  return model;
}
