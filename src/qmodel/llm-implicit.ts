/**
 * The paper's Q-value model over HTTP: the DPO implicit reward of an LLM fitted on the pairs,
 *   Q(s,a) = β · Σ_t [log π(a_t | s, a_<t) − log π_ref(a_t | s, a_<t)]
 * over exactly the tokens DPO training labels (docs/llm-qmodel-contract.md §2): the
 * completion rendered by chat-templates.ts, found by token ids from the server's tokenize
 * endpoint, with the training truncation. The policy and the reference are two models on
 * OpenAI-compatible servers (vLLM, llama-cpp-python; llm-servers.ts). A candidate without an
 * action, or one that cannot be scored within the truncation limit, gets -Infinity: it ranks
 * below every scored candidate whatever their sign. This fixes the official inference
 * (docs/method.md#inference-q-mismatch).
 */
import type { StepContext } from '../core/messages.js';
import type { QModel } from '../core/qmodel.js';
import { UserError } from '../core/errors.js';
import { LlmError } from '../llm/errors.js';
import { chatTemplate, scoringTexts, type ChatTemplate } from './chat-templates.js';
import { readLlmManifest } from './llm-manifest.js';
import { checkTwoModels, parseLlmSpec, type Endpoint, type LlmQModelSpec } from './llm-spec.js';
import {
  connectServer,
  type Sequence,
  type ServerOptions,
  type TokenServer,
} from './llm-servers.js';
import {
  completionSpan,
  implicitQ,
  spanLogprob,
  TokenAlignmentError,
  type TokenSettings,
} from './token-span.js';

export interface LlmQModelOptions extends ServerOptions {
  /** Called for each candidate ranked last because it could not be scored (default: stderr). */
  onUnscored?: (message: string) => void;
}

interface Connected {
  policy: TokenServer;
  reference: TokenServer;
  tokens: TokenSettings;
}

/** The probe both models score at start-up: identical log-probs mean one model under two names. */
const PROBE = {
  user: 'Question: is this the trained model?',
  reply: 'Thought: a probe.\nAction: Finish[probe]',
};

export class LlmImplicitQModel implements QModel {
  readonly name: string;
  private readonly template: ChatTemplate;
  private connected: Promise<Connected> | undefined;
  private readonly promptIds = new Map<string, Promise<number[]>>();

  constructor(
    readonly spec: LlmQModelSpec,
    private readonly options: LlmQModelOptions = {},
  ) {
    checkTwoModels(spec.policy, spec.reference);
    this.name = `llm:${spec.policy.model}/ref=${spec.reference.model}`;
    this.template = chatTemplate(spec.template);
  }

  /** Connects to both servers, fixes the token rule and refuses one model under two names. */
  ready(): Promise<Connected> {
    this.connected ??= this.connect();
    this.connected.catch(() => (this.connected = undefined));
    return this.connected;
  }

  private async connect(): Promise<Connected> {
    const { spec } = this;
    const [policy, reference] = await Promise.all([
      connectServer(spec.policy, spec.server, spec.logprobs, this.options),
      connectServer(spec.reference, spec.server, spec.logprobs, this.options),
    ]);
    const prefix = policy.textPrefix;
    const rule = spec.tokens ?? {
      addBos: prefix.length === 1,
      bosId: prefix.length === 1 ? (prefix[0] as number) : null,
      appendEos: false,
      eosId: null,
    };
    const contextLimit = policy.maxModelLen === undefined ? undefined : policy.maxModelLen - 1;
    const maxLength = spec.maxLength ?? contextLimit;
    if (spec.maxLength !== undefined && contextLimit !== undefined && spec.maxLength > contextLimit)
      throw new UserError(
        `--qmodel: the truncation limit is ${spec.maxLength} tokens but ${spec.policy.baseUrl} serves ${spec.policy.model} with a context of ${policy.maxModelLen}: start the server with a context of at least ${spec.maxLength + 1} (vLLM: --max-model-len)`,
      );
    for (const server of [policy, reference])
      if (server.kind === 'llama-cpp') {
        // llama-cpp-python adds its model's BOS to a text prompt; it must be the rule's.
        const want = rule.addBos ? [rule.bosId] : [];
        if (server.textPrefix.join(',') !== want.join(','))
          throw new UserError(
            `--qmodel: ${server.endpoint.baseUrl} (${server.endpoint.model}) puts [${server.textPrefix.join(', ')}] in front of a text but the token rule says [${want.join(', ')}] (tokens.addBos/bosId): is it the trained model's tokenizer?`,
          );
      }
    if (maxLength === undefined)
      throw new UserError(
        `--qmodel: ${spec.policy.baseUrl} does not say how long its context is (llama-cpp-python never does): add maxlen=N to the spec (at most the server's context minus 1), or use a trained folder, whose manifest gives the training truncation`,
      );
    const tokens: TokenSettings = { ...rule, maxLength };
    await this.probe(policy, reference, tokens);
    return { policy, reference, tokens };
  }

  /** Same tokenizer on both servers, and two different models behind them. */
  private async probe(
    policy: TokenServer,
    reference: TokenServer,
    tokens: TokenSettings,
  ): Promise<void> {
    const prompt = this.template.renderPrompt([{ role: 'user', content: PROBE.user }]);
    const text = prompt + this.template.renderCompletion(PROBE.reply);
    const [a, b] = await Promise.all([policy.tokenize(text), reference.tokenize(text)]);
    if (a.join(',') !== b.join(','))
      throw new UserError(
        `--qmodel: the policy (${policy.endpoint.model} at ${policy.endpoint.baseUrl}) and the reference (${reference.endpoint.model} at ${reference.endpoint.baseUrl}) tokenise a text differently: they must share the base model's tokenizer`,
      );
    const ids = [...(tokens.addBos ? [tokens.bosId as number] : []), ...a];
    const seq: Sequence = { ids, text };
    const [lp, lr] = await Promise.all([policy.logprobs([seq]), reference.logprobs([seq])]);
    const p = lp[0] ?? [];
    const r = lr[0] ?? [];
    if (p.length === r.length && p.every((v, i) => v === r[i]))
      throw new UserError(
        `--qmodel: the policy (${policy.endpoint.model} at ${policy.endpoint.baseUrl}) and the reference (${reference.endpoint.model} at ${reference.endpoint.baseUrl}) give identical log-probs on a probe text: they are one model (two names of one model?), and every Q would be 0. Serve the trained model and the reference as two models, or base + LoRA adapter (docs/qmodel.md)`,
      );
  }

  private tokenizePrompt(server: TokenServer, prompt: string): Promise<number[]> {
    let ids = this.promptIds.get(prompt);
    if (!ids) {
      if (this.promptIds.size > 64) this.promptIds.clear(); // decisions move on; keep it small
      ids = server.tokenize(prompt);
      ids.catch(() => this.promptIds.delete(prompt));
      this.promptIds.set(prompt, ids);
    }
    return ids;
  }

  async score(context: StepContext, candidates: readonly string[]): Promise<number[]> {
    const q = candidates.map(() => -Infinity);
    const items = scoringTexts(this.template, context, candidates);
    if (items.length === 0) return q;
    const { policy, reference, tokens } = await this.ready();
    const prompt = (items[0] as (typeof items)[number]).scoring.prompt;
    const promptIds = await this.tokenizePrompt(policy, prompt);
    const spans = await Promise.all(
      items.map(async (item) => {
        const full = await policy.tokenize(prompt + item.scoring.completion);
        let span;
        try {
          span = completionSpan(promptIds, full, tokens);
        } catch (err) {
          if (err instanceof TokenAlignmentError)
            throw new LlmError(
              policy.endpoint.baseUrl,
              `candidate ${item.index} (${JSON.stringify(candidates[item.index]?.slice(0, 60))}): ${err.message}`,
            );
          throw err;
        }
        if (!span.ok) {
          (this.options.onUnscored ?? defaultUnscored)(
            `stepq: --qmodel: candidate ${item.index} ranked last: ${span.reason}`,
          );
          return undefined;
        }
        const text =
          span.droppedPromptTokens === 0
            ? prompt + item.scoring.completion
            : (await policy.suffixText(prompt, promptIds.slice(span.droppedPromptTokens))) +
              item.scoring.completion;
        return { index: item.index, seq: { ids: span.ids, text }, spanStart: span.spanStart };
      }),
    );
    const scored = spans.filter((s): s is NonNullable<typeof s> => s !== undefined);
    if (scored.length === 0) return q;
    const seqs = scored.map((s) => s.seq);
    const [lpPolicy, lpRef] = await Promise.all([policy.logprobs(seqs), reference.logprobs(seqs)]);
    scored.forEach((s, k) => {
      const n = s.seq.ids.length;
      const where = (what: string) => `${what} of candidate ${s.index}`;
      const sum = (lps: Array<number | null> | undefined, server: TokenServer) => {
        try {
          return spanLogprob(lps ?? [], s.spanStart, n);
        } catch (err) {
          throw new LlmError(server.endpoint.baseUrl, where((err as Error).message));
        }
      };
      q[s.index] = implicitQ(
        this.spec.beta,
        this.spec.span,
        sum(lpPolicy[k], policy),
        sum(lpRef[k], reference),
        n - s.spanStart,
      );
    });
    return q;
  }
}

function defaultUnscored(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** An `llm:` spec string; the folder form reads its manifest. Connects and probes both servers. */
export async function createLlmQModel(
  spec: string,
  options: LlmQModelOptions = {},
): Promise<LlmImplicitQModel> {
  const parsed = parseLlmSpec(spec);
  if (parsed.folder)
    return createLlmQModelFromFolder(
      parsed.folder,
      { policy: parsed.policy, reference: parsed.reference },
      { ...options, logprobs: parsed.logprobs, server: parsed.server },
    );
  const model = new LlmImplicitQModel(parsed, options);
  await model.ready();
  return model;
}

/**
 * The scorer of a trained folder (DIR/stepq-qmodel.json: beta, template, span rule,
 * truncation, token rule) against two servers: the trained policy and the reference.
 */
export async function createLlmQModelFromFolder(
  dir: string,
  endpoints: { policy: Endpoint; reference: Endpoint },
  options: LlmQModelOptions & Partial<Pick<LlmQModelSpec, 'logprobs' | 'server'>> = {},
): Promise<LlmImplicitQModel> {
  const m = readLlmManifest(dir);
  const { logprobs = 'echo', server = 'auto', ...rest } = options;
  const model = new LlmImplicitQModel(
    {
      policy: endpoints.policy,
      reference: endpoints.reference,
      beta: m.beta,
      template: m.template,
      span: m.span,
      logprobs,
      server,
      tokens: m.tokens,
      maxLength: m.truncation.maxLength,
      folder: dir,
    },
    rest,
  );
  await model.ready();
  return model;
}
