/**
 * The two OpenAI-compatible servers the `llm:` scorer speaks to, as one interface: ids of a
 * text (no special tokens) and per-position log-probs of id sequences. Wire formats
 * (docs/llm-qmodel-contract.md §5):
 *  - vLLM: `POST {root}/tokenize {model, prompt, add_special_tokens: false}` -> `{tokens,
 *    max_model_len}`; `/v1/completions` takes token-id prompts as they are (no BOS added),
 *    batched, with `echo + logprobs` or `prompt_logprobs` (keyed by token id, so checked).
 *  - llama-cpp-python: `POST {root}/extras/tokenize {model, input}` -> `{tokens}`, with the
 *    model's BOS in front when it adds one; `/v1/completions` takes one text prompt, which it
 *    tokenises the same way, and `echo + logprobs` lists the prompt's tokens after the BOS.
 *    Its echo pairs token i with the logits after token i, which is right only when a BOS
 *    leads (llama_cpp/llama.py, _create_completion), so a model without BOS is refused.
 */
import { createLlmClient, type LlmClient } from '../llm/client.js';
import { LlmError, toLlmError } from '../llm/errors.js';
import { ResponseShapeError } from './token-span.js';

export type ServerKind = 'vllm' | 'llama-cpp';
export type LogprobsMode = 'echo' | 'prompt';

export interface Endpoint {
  model: string;
  baseUrl: string;
}

export interface ServerOptions {
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface TokenServer {
  readonly kind: ServerKind;
  readonly endpoint: Endpoint;
  /** What the server says its context holds (vLLM's max_model_len), if it says. */
  readonly maxModelLen: number | undefined;
  /** The ids a text prompt gets in front on this server (llama-cpp: its BOS), from tokenising "". */
  readonly textPrefix: readonly number[];
  /** ids(text): the tokenizer's ids with no special tokens added. */
  tokenize(text: string): Promise<number[]>;
  /**
   * For each sequence, logprobs[i] = log p(ids[i] | ids[<i]) (index 0: null). `text` is the
   * string those ids encode (after textPrefix), for servers that take text prompts only.
   */
  logprobs(sequences: readonly Sequence[]): Promise<Array<Array<number | null>>>;
  /**
   * A suffix of `text` whose ids are exactly `ids` (a suffix of ids(text)): the text of a
   * prompt cut from the left, for servers that take text prompts only; else a UserError.
   */
  suffixText(text: string, ids: readonly number[]): Promise<string>;
}

export interface Sequence {
  ids: readonly number[];
  text: string;
}

/** The server root: the base URL without its trailing `/v1`. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

async function postJson(url: string, body: unknown, options: ServerOptions): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new LlmError(
      url,
      `could not connect (${cause}): is the server running and the URL right?`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LlmError(url, `response is not JSON: "${text.slice(0, 80)}"`, res.status);
  }
  if (!res.ok) {
    const message =
      (parsed as { error?: { message?: string } })?.error?.message ??
      (parsed as { message?: string })?.message ??
      text.slice(0, 200);
    throw new LlmError(url, String(message), res.status);
  }
  return parsed;
}

function idList(value: unknown, where: string, field: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v)))
    throw new LlmError(
      where,
      `malformed response body (field ${field}: expected a list of token ids)`,
    );
  return value as number[];
}

/** A 404/405 for the route itself, not vLLM's 404 for an unknown model name. */
function isNoRoute(err: unknown): boolean {
  return (
    err instanceof LlmError &&
    (err.status === 404 || err.status === 405) &&
    !/model/i.test(err.detail)
  );
}

/** Finds which server answers at `endpoint` (vLLM's /tokenize first, then llama-cpp's). */
export async function detectServerKind(
  endpoint: Endpoint,
  options: ServerOptions,
): Promise<ServerKind> {
  const root = serverRoot(endpoint.baseUrl);
  try {
    await postJson(`${root}/tokenize`, { model: endpoint.model, prompt: '' }, options);
    return 'vllm';
  } catch (err) {
    if (!isNoRoute(err)) throw err;
  }
  try {
    await postJson(`${root}/extras/tokenize`, { model: endpoint.model, input: '' }, options);
    return 'llama-cpp';
  } catch (err) {
    if (!isNoRoute(err)) throw err;
  }
  throw new LlmError(
    endpoint.baseUrl,
    "the server has no tokenize endpoint (neither vLLM's /tokenize nor llama-cpp-python's /extras/tokenize): the scorer needs one to find the completion by token ids",
  );
}

class Server implements TokenServer {
  maxModelLen: number | undefined;
  textPrefix: number[] = [];
  private readonly llm: LlmClient;
  private readonly root: string;

  constructor(
    readonly kind: ServerKind,
    readonly endpoint: Endpoint,
    private readonly mode: LogprobsMode,
    private readonly options: ServerOptions,
  ) {
    this.root = serverRoot(endpoint.baseUrl);
    this.llm = createLlmClient({
      baseUrl: endpoint.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 2,
    });
  }

  private get where(): string {
    return `${this.endpoint.baseUrl} (model ${this.endpoint.model})`;
  }

  async init(): Promise<void> {
    if (this.kind === 'vllm') {
      const url = `${this.root}/tokenize`;
      const ask = (add: boolean) =>
        postJson(
          url,
          { model: this.endpoint.model, prompt: 'a', add_special_tokens: add },
          this.options,
        ) as Promise<{
          tokens?: unknown;
          max_model_len?: unknown;
        }>;
      const [plain, special] = await Promise.all([ask(false), ask(true)]);
      if (Number.isInteger(plain.max_model_len)) this.maxModelLen = plain.max_model_len as number;
      const a = idList(plain.tokens, url, 'tokens');
      const b = idList(special.tokens, url, 'tokens');
      // What a text prompt gets in front (its BOS), as the tokenizer's own default adds it.
      this.textPrefix = b.slice(0, Math.max(0, b.length - a.length));
    } else {
      const url = `${this.root}/extras/tokenize`;
      const r = (await postJson(url, { model: this.endpoint.model, input: '' }, this.options)) as {
        tokens?: unknown;
      };
      this.textPrefix = idList(r.tokens, url, 'tokens');
    }
  }

  async tokenize(text: string): Promise<number[]> {
    if (this.kind === 'vllm') {
      const url = `${this.root}/tokenize`;
      const r = (await postJson(
        url,
        { model: this.endpoint.model, prompt: text, add_special_tokens: false },
        this.options,
      )) as { tokens?: unknown };
      return idList(r.tokens, url, 'tokens');
    }
    const url = `${this.root}/extras/tokenize`;
    const r = (await postJson(url, { model: this.endpoint.model, input: text }, this.options)) as {
      tokens?: unknown;
    };
    const ids = idList(r.tokens, url, 'tokens');
    const prefix = this.textPrefix;
    for (let i = 0; i < prefix.length; i++)
      if (ids[i] !== prefix[i])
        throw new LlmError(
          url,
          `the tokens of a text do not start with the model's own prefix [${prefix.join(', ')}]`,
        );
    return ids.slice(prefix.length);
  }

  async suffixText(text: string, ids: readonly number[]): Promise<string> {
    if (this.kind === 'vllm') return ''; // vLLM takes the ids themselves
    const same = (got: readonly number[]) =>
      got.length === ids.length && got.every((v, i) => v === ids[i]);
    // The shortest suffix with no more tokens than wanted, found by bisection on its start
    // (token counts fall as the start moves right), then its neighbours.
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((await this.tokenize(text.slice(mid))).length <= ids.length) hi = mid;
      else lo = mid + 1;
    }
    for (const start of [lo, lo - 1, lo + 1, lo - 2, lo + 2])
      if (start >= 0 && start <= text.length && same(await this.tokenize(text.slice(start))))
        return text.slice(start);
    throw new LlmError(
      this.where,
      'the prompt cut to the training truncation has no text that tokenises to exactly its tokens (a cut inside a character or word); llama-cpp-python takes text prompts only: use vLLM (token-id prompts) or gguf:',
    );
  }

  private async complete(prompt: unknown, extra: Record<string, unknown>): Promise<ChoiceLike[]> {
    const where = `${this.endpoint.baseUrl}/completions (model ${this.endpoint.model})`;
    let response;
    try {
      response = await this.llm.client.completions.create({
        model: this.endpoint.model,
        prompt,
        max_tokens: 1,
        temperature: 0,
        ...extra,
      } as unknown as Parameters<typeof this.llm.client.completions.create>[0] & {
        stream?: false;
      });
    } catch (err) {
      throw toLlmError(err, where, this.llm.attempts);
    }
    return [...((response.choices ?? []) as unknown as ChoiceLike[])].sort(
      (a, b) => a.index - b.index,
    );
  }

  async logprobs(sequences: readonly Sequence[]): Promise<Array<Array<number | null>>> {
    if (this.kind === 'llama-cpp') return Promise.all(sequences.map((s) => this.llamaCpp(s)));
    const choices = await this.complete(
      sequences.map((s) => [...s.ids]),
      this.mode === 'prompt'
        ? { prompt_logprobs: 0, return_token_ids: true }
        : { echo: true, logprobs: 0 },
    );
    if (choices.length !== sequences.length)
      throw new LlmError(
        this.where,
        `sent ${sequences.length} prompts, got ${choices.length} choices back`,
      );
    return choices.map((choice, k) => {
      const ids = (sequences[k] as Sequence).ids;
      try {
        return this.mode === 'prompt'
          ? readPromptLogprobs(choice, ids)
          : readEcho(choice, ids.length, 0);
      } catch (err) {
        if (err instanceof ResponseShapeError)
          throw new LlmError(this.where, `prompt ${k}: ${err.message}`);
        throw err;
      }
    });
  }

  /** One text prompt, which the server must tokenise to exactly `ids`. */
  private async llamaCpp({ ids, text }: Sequence): Promise<Array<number | null>> {
    const prefix = this.textPrefix;
    if (prefix.length !== 1)
      throw new LlmError(
        this.where,
        "llama-cpp-python's echo log-probs are shifted by one token for a model that adds no BOS; serve it with vLLM, or score in-process with gguf:",
      );
    const again = [...prefix, ...(await this.tokenize(text))];
    if (again.length !== ids.length || again.some((v, i) => v !== ids[i]))
      throw new LlmError(this.where, 'the text sent does not tokenise to the ids scored');
    const [choice] = await this.complete(text, { echo: true, logprobs: 0 });
    if (!choice) throw new LlmError(this.where, 'no choice in the response');
    try {
      // Its echo leaves the BOS out: entry j is the log-prob of ids[j + 1].
      return readEcho(choice, ids.length, 1);
    } catch (err) {
      if (err instanceof ResponseShapeError) throw new LlmError(this.where, err.message);
      throw err;
    }
  }
}

interface ChoiceLike {
  index: number;
  logprobs?: { token_logprobs?: Array<number | null> | null } | null;
  prompt_logprobs?: Array<Record<string, { logprob: number }> | null> | null;
  prompt_token_ids?: number[] | null;
}

/** echo + logprobs: `token_logprobs` lists the prompt's tokens (minus `skipped` leading ones) then the generated one(s). */
function readEcho(choice: ChoiceLike, length: number, skipped: number): Array<number | null> {
  const lps = choice.logprobs?.token_logprobs;
  if (!Array.isArray(lps))
    throw new ResponseShapeError(
      'the response has no prompt log-probabilities (expected logprobs.token_logprobs with echo)',
    );
  const echoed = length - skipped;
  if (lps.length < echoed || lps.length > echoed + 1)
    throw new ResponseShapeError(
      `the server echoed ${lps.length} token log-probs for a prompt of ${echoed} tokens (+1 generated): the tokens do not line up`,
    );
  const out = new Array<number | null>(skipped).fill(null);
  for (let i = 0; i < echoed; i++) out.push(lps[i] ?? null);
  return out;
}

/** vLLM prompt_logprobs: entry i holds the prompt token's own id; checked against what was sent. */
function readPromptLogprobs(choice: ChoiceLike, ids: readonly number[]): Array<number | null> {
  const entries = choice.prompt_logprobs;
  if (!Array.isArray(entries))
    throw new ResponseShapeError('the response has no prompt_logprobs (is the server vLLM?)');
  if (entries.length !== ids.length)
    throw new ResponseShapeError(
      `prompt_logprobs has ${entries.length} entries for ${ids.length} prompt tokens`,
    );
  const echoed = choice.prompt_token_ids;
  if (
    Array.isArray(echoed) &&
    (echoed.length !== ids.length || echoed.some((v, i) => v !== ids[i]))
  )
    throw new ResponseShapeError('prompt_token_ids differ from the token ids sent');
  return entries.map((entry, i) => {
    if (i === 0) return null;
    const hit = entry?.[String(ids[i])];
    if (!hit)
      throw new ResponseShapeError(
        `prompt_logprobs[${i}] has no entry for the token sent (${ids[i]})`,
      );
    return hit.logprob;
  });
}

export async function connectServer(
  endpoint: Endpoint,
  kind: ServerKind | 'auto',
  mode: LogprobsMode,
  options: ServerOptions,
): Promise<TokenServer> {
  const resolved = kind === 'auto' ? await detectServerKind(endpoint, options) : kind;
  if (resolved === 'llama-cpp' && mode === 'prompt')
    throw new LlmError(
      endpoint.baseUrl,
      "logprobs=prompt is vLLM's prompt_logprobs; llama-cpp-python answers echo only",
    );
  const server = new Server(resolved, endpoint, mode, options);
  await server.init();
  if (resolved === 'llama-cpp' && server.textPrefix.length !== 1)
    throw new LlmError(
      `${endpoint.baseUrl} (model ${endpoint.model})`,
      "llama-cpp-python's echo log-probs are shifted by one token for a model that adds no BOS (it pairs each prompt token with the logits after it); serve it with vLLM, or score in-process with gguf:",
    );
  return server;
}
