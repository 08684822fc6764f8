/**
 * The paper's Q-value model: the DPO implicit reward of an LLM fine-tuned on the pairs,
 *   Q(s,a) = β · Σ_t [log π(a_t | s, a_<t) − log π_ref(a_t | s, a_<t)]
 * summed over exactly the tokens DPO training labels (the reply and its end-of-turn
 * marker; see chat-templates.ts and token-span.ts), with the no-few-shot prompt of
 * qModelMessages (the same text the pairs store). This fixes the official inference,
 * which took a per-token mean of log_softmax(logit difference) over a span including the
 * role header (docs/method.md#inference-q-mismatch). Both models are served by OpenAI-compatible
 * /v1/completions endpoints that return prompt-token log-probs (vLLM).
 */
import type { StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import { createLlmClient, type LlmClient } from '../llm/client.js';
import { LlmError, toLlmError } from '../llm/errors.js';
import {
  chatTemplate,
  scoringTexts,
  type ChatTemplate,
  type ScoringText,
} from './chat-templates.js';
import { parseLlmSpec, type Endpoint, type LlmQModelSpec } from './llm-spec.js';
import { readChoiceTokens, ResponseShapeError, spanLogprob } from './token-span.js';

export interface LlmQModelOptions {
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

interface Scorer {
  endpoint: Endpoint;
  llm: LlmClient;
}

export class LlmImplicitQModel implements QModel {
  readonly name: string;
  private readonly template: ChatTemplate;
  private readonly policy: Scorer;
  private readonly reference: Scorer;

  constructor(
    readonly spec: LlmQModelSpec,
    options: LlmQModelOptions = {},
  ) {
    this.name = `llm:${spec.policy.model}/ref=${spec.reference.model}`;
    this.template = chatTemplate(spec.template);
    const client = (e: Endpoint): Scorer => ({
      endpoint: e,
      llm: createLlmClient({
        baseUrl: e.baseUrl,
        apiKey: options.apiKey,
        timeoutMs: options.timeoutMs ?? 120_000,
        maxRetries: options.maxRetries ?? 2,
      }),
    });
    this.policy = client(spec.policy);
    this.reference = client(spec.reference);
  }

  /** The texts scored for each candidate, in the order sent; empty actions are left out. */
  scoringTexts(
    context: StepContext,
    candidates: readonly string[],
  ): Array<{ index: number; scoring: ScoringText }> {
    return scoringTexts(this.template, context, candidates);
  }

  async score(context: StepContext, candidates: readonly string[]): Promise<number[]> {
    const q = candidates.map(() => 0);
    const items = this.scoringTexts(context, candidates);
    if (items.length === 0) return q;
    const scorings = items.map((i) => i.scoring);
    const [lpPolicy, lpRef] = await Promise.all([
      this.spanLogprobs(this.policy, scorings),
      this.spanLogprobs(this.reference, scorings),
    ]);
    items.forEach((item, k) => {
      q[item.index] = this.spec.beta * ((lpPolicy[k] as number) - (lpRef[k] as number));
    });
    return q;
  }

  /** One batched request (a prompt array) per model; the reply span's summed log-prob per text. */
  private async spanLogprobs(scorer: Scorer, scorings: readonly ScoringText[]): Promise<number[]> {
    const where = `${scorer.llm.baseUrl}/completions (model ${scorer.endpoint.model})`;
    const promptMode = this.spec.logprobs === 'prompt';
    let response;
    try {
      response = await scorer.llm.client.completions.create({
        model: scorer.endpoint.model,
        prompt: scorings.map((s) => s.text),
        max_tokens: 1,
        temperature: 0,
        ...(promptMode
          ? { prompt_logprobs: 0, return_token_ids: true }
          : { echo: true, logprobs: 1 }),
      } as Parameters<typeof scorer.llm.client.completions.create>[0] & { stream?: false });
    } catch (err) {
      throw toLlmError(err, where, scorer.llm.attempts);
    }
    const choices = [...(response.choices ?? [])].sort((a, b) => a.index - b.index);
    if (choices.length !== scorings.length)
      throw new LlmError(
        where,
        `sent ${scorings.length} prompts, got ${choices.length} choices back`,
      );
    return choices.map((choice, k) => {
      const scoring = scorings[k] as ScoringText;
      try {
        const { tokens, offsets } = readChoiceTokens(choice as never);
        const { sum, count } = spanLogprob(scoring.text, scoring.spanStart, tokens, offsets);
        if (count === 0)
          throw new ResponseShapeError('no token of the reply span was found in the echoed prompt');
        return sum;
      } catch (err) {
        if (err instanceof ResponseShapeError) {
          const hint = promptMode
            ? ''
            : ' (does the server support echo with logprobs? vLLM does; else try logprobs=prompt)';
          throw new LlmError(where, `prompt ${k}: ${err.message}${hint}`);
        }
        throw err;
      }
    });
  }
}

/** The key comes from `options.apiKey` (the CLI passes $OPENAI_API_KEY); local servers need none. */
export function createLlmQModel(spec: string, options: LlmQModelOptions = {}): LlmImplicitQModel {
  return new LlmImplicitQModel(parseLlmSpec(spec), options);
}
