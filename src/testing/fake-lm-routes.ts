/**
 * The fake OpenAI server's language-model routes (fake-lm.ts): tokenize endpoints and
 * /v1/completions with echo / prompt log-probs, in vLLM's or llama-cpp-python's wire format.
 * Each function answers one request body with a status and a JSON body.
 */
import { FakeTokenizer, fakeLogprob, type FakeTokenizerOptions } from './fake-lm.js';

export interface FakeLmOptions {
  flavour: 'vllm' | 'llama-cpp';
  tokenizer: FakeTokenizerOptions;
  /** Served model names and their weights: one salt per model; one salt, two names = one model. */
  models: Record<string, number>;
  /** Context limit in tokens (vLLM: prompt + max_tokens; llama.cpp: the prompt must be shorter). */
  maxModelLen: number;
}

export interface LmAnswer {
  status: number;
  body: unknown;
}

type Body = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const error = (status: number, message: string): LmAnswer => ({
  status,
  body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
});

export function lmRoutes(options: FakeLmOptions): {
  paths: string[];
  answer(path: string, body: Body): LmAnswer;
} {
  const tok = new FakeTokenizer(options.tokenizer);
  const vllm = options.flavour === 'vllm';
  const salt = (body: Body): number | LmAnswer => {
    const model = str(body.model);
    const s = options.models[model];
    return s === undefined ? error(404, `The model \`${model}\` does not exist.`) : s;
  };
  const paths = vllm
    ? ['/tokenize', '/v1/completions']
    : ['/extras/tokenize', '/extras/detokenize', '/v1/completions'];

  function tokenize(body: Body): LmAnswer {
    if (vllm) {
      const s = salt(body);
      if (typeof s !== 'number') return s;
      const prompt = str(body.prompt);
      const tokens =
        body.add_special_tokens === false ? tok.encode(prompt) : tok.encodePrompt(prompt);
      return {
        status: 200,
        body: { count: tokens.length, max_model_len: options.maxModelLen, tokens },
      };
    }
    return { status: 200, body: { tokens: tok.encodePrompt(str(body.input)) } };
  }

  function prompts(body: Body): number[][] | LmAnswer {
    const p = body.prompt;
    if (vllm) {
      if (typeof p === 'string') return [tok.encodePrompt(p)];
      if (Array.isArray(p) && p.every((x) => typeof x === 'number')) return [p as number[]];
      if (Array.isArray(p) && p.every((x) => typeof x === 'string'))
        return (p as string[]).map((s) => tok.encodePrompt(s));
      if (Array.isArray(p) && p.every((x) => Array.isArray(x))) return p as number[][];
      return error(400, 'prompt must be a string, a list of strings or token ids');
    }
    // llama-cpp-python: `prompt: Union[str, List[str]]`, at most one string.
    if (typeof p === 'string') return [tok.encodePrompt(p)];
    if (Array.isArray(p) && p.length <= 1 && p.every((x) => typeof x === 'string'))
      return [tok.encodePrompt((p[0] as string | undefined) ?? '')];
    return {
      status: 422,
      body: {
        detail: [
          { type: 'string_type', loc: ['body', 'prompt'], msg: 'Input should be a valid string' },
        ],
      },
    };
  }

  function completions(body: Body): LmAnswer {
    const s = salt(body);
    if (typeof s !== 'number') return s;
    const list = prompts(body);
    if (!Array.isArray(list)) return list;
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
    const generated = tok.encode('x');
    const choices = [];
    for (const [index, ids] of list.entries()) {
      const tooLong = vllm
        ? ids.length + maxTokens > options.maxModelLen
        : ids.length >= options.maxModelLen;
      if (tooLong)
        return error(
          400,
          `This model's maximum context length is ${options.maxModelLen} tokens. However, you requested ${ids.length + maxTokens} tokens.`,
        );
      const gen = generated.slice(0, Math.max(1, maxTokens));
      const all = [...ids, ...gen];
      const lp = (i: number) => fakeLogprob(s, all.slice(0, i), all[i] as number);
      const choice: Body = {
        index,
        text: (body.echo ? tok.decode(ids) : '') + tok.decode(gen),
        finish_reason: 'length',
        logprobs: null,
      };
      if (vllm && typeof body.prompt_logprobs === 'number') {
        choice.prompt_logprobs = ids.map((id, i) =>
          i === 0
            ? null
            : { [String(id)]: { logprob: lp(i), rank: 1, decoded_token: tok.decodeAlone(id) } },
        );
        if (body.return_token_ids) choice.prompt_token_ids = ids;
      }
      if (body.echo && typeof body.logprobs === 'number') {
        let tokens: number[];
        let logprobs: Array<number | null>;
        if (vllm) {
          tokens = all;
          logprobs = all.map((_, i) => (i === 0 ? null : lp(i)));
        } else {
          // llama-cpp-python: a leading BOS is dropped, and the j-th token is scored with the
          // logits after prompt token j (llama_cpp/llama.py, _create_completion).
          const drop = ids[0] === tok.bosId ? 1 : 0;
          tokens = all.slice(drop);
          logprobs = tokens.map((t, j) =>
            j === 0 ? null : fakeLogprob(s, all.slice(0, j + 1), t),
          );
        }
        const strings = tokens.map((t) => tok.decodeAlone(t));
        const offsets: number[] = [];
        let at = 0;
        for (const str of strings) {
          offsets.push(at);
          at += str.length;
        }
        choice.logprobs = {
          tokens: strings,
          token_logprobs: logprobs,
          text_offset: offsets,
          top_logprobs: logprobs.map((l, i) => (l === null ? null : { [strings[i] as string]: l })),
        };
      }
      choices.push(choice);
    }
    return {
      status: 200,
      body: { id: 'cmpl-fake', object: 'text_completion', created: 0, model: body.model, choices },
    };
  }

  return {
    paths,
    answer(path, body) {
      if (path === '/v1/completions') return completions(body);
      if (path === '/extras/detokenize')
        return { status: 200, body: { text: tok.decode((body.tokens as number[]) ?? []) } };
      return tokenize(body);
    },
  };
}
