/**
 * Random-weight llama-architecture GGUF models for tests and benchmarks (no model can be
 * downloaded here). The vocabulary is SentencePiece-like with byte fallback: `<unk> <s> </s>`,
 * the 256 byte tokens, the chat special tokens of the phi3 and ChatML templates, then
 * `▁`-prefixed and bare pieces closed under prefixes (llama.cpp's SPM tokenizer only reaches a
 * piece by merging two adjacent pieces that are both in the vocabulary). The chat template
 * goes into `tokenizer.chat_template`, as a converted model carries it.
 *
 * Everything is derived from the seed, so the same options always give the same file, and a
 * LoRA adapter plus the merged model (base + scale·B·A) can be generated for the same base.
 */
import { Rng } from '../../core/rng.js';
import { writeGguf, type MetadataValue, type TensorSpec } from './gguf-writer.js';

export interface TinyModelOptions {
  seed: number;
  /** Total vocabulary size; the default keeps the file at a few hundred KB. */
  vocabSize?: number;
  embedding?: number;
  layers?: number;
  feedForward?: number;
  heads?: number;
  headsKv?: number;
  contextLength?: number;
  template?: 'phi3' | 'chatml';
  /** Half-width of the uniform weight init; larger gives peakier next-token distributions. */
  weightScale?: number;
  /** Whether the tokenizer puts its BOS in front of a text (default true; Phi-1.5 has none). */
  addBos?: boolean;
  /** SentencePiece's dummy prefix: a space in front of a text (llama.cpp's default true). */
  addSpacePrefix?: boolean;
}

export interface LoraOptions {
  seed: number;
  rank?: number;
  alpha?: number;
  /** Which per-layer weights get an adapter. */
  targets?: ReadonlyArray<'attn_q' | 'attn_v' | 'ffn_up'>;
  weightScale?: number;
}

const SPECIALS = [
  '<|user|>',
  '<|assistant|>',
  '<|system|>',
  '<|end|>',
  '<|im_start|>',
  '<|im_end|>',
];
const WORDS = [
  'Thought',
  'Action',
  'Observation',
  'Question',
  'Search',
  'Lookup',
  'Finish',
  'search',
  'click',
  'think',
  'the',
  'of',
  'and',
  'to',
  'is',
  'in',
  'OK',
  'Paris',
  'France',
  'answer',
  'need',
  'find',
  'buy',
];
const CHARS =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?()[]{}-_\'"/$%&*+=<>@#|';

export const CHAT_TEMPLATES_JINJA: Record<NonNullable<TinyModelOptions['template']>, string> = {
  phi3:
    "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}",
  chatml:
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
};

function prefixesOf(word: string): string[] {
  return Array.from({ length: word.length }, (_, i) => word.slice(0, i + 1));
}

/** Ordered, duplicate-free pieces: closed under prefixes because shorter pieces come first. */
function vocabulary(size: number): { tokens: string[]; types: number[]; scores: number[] } {
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [2, 3, 3]; // unknown, control, control
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6); // byte
  }
  for (const s of SPECIALS) {
    tokens.push(s);
    types.push(3);
  }
  const seen = new Set(tokens);
  const add = (piece: string): void => {
    if (tokens.length >= size || seen.has(piece)) return;
    seen.add(piece);
    tokens.push(piece);
    types.push(1);
  };
  add('▁');
  for (const c of CHARS) add(c);
  for (const c of CHARS) add(`▁${c}`);
  for (const w of WORDS) for (const p of [...prefixesOf(`▁${w}`), ...prefixesOf(w)]) add(p);
  // Filler pieces up to the requested size: all 2- then 3-letter strings (prefix-closed by order).
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let level = letters.split('');
  while (tokens.length < size) {
    const next: string[] = [];
    for (const stem of level) for (const c of letters) next.push(stem + c);
    for (const w of next) {
      add(`▁${w}`);
      add(w);
    }
    level = next;
  }
  // Longer pieces win merges (llama.cpp's SPM merges the highest-scoring bigram first).
  const scores = tokens.map((t, i) => (types[i] === 1 ? t.length - i * 1e-6 : 0));
  return { tokens, types, scores };
}

function resolved(o: TinyModelOptions) {
  return {
    seed: o.seed,
    vocabSize: o.vocabSize ?? 512,
    embedding: o.embedding ?? 64,
    layers: o.layers ?? 2,
    feedForward: o.feedForward ?? 128,
    heads: o.heads ?? 4,
    headsKv: o.headsKv ?? 2,
    contextLength: o.contextLength ?? 4096,
    template: o.template ?? 'phi3',
    weightScale: o.weightScale ?? 0.3,
  };
}

function uniform(rng: Rng, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rng.next() * 2 - 1) * scale;
  return out;
}

function ones(count: number): Float32Array {
  return new Float32Array(count).fill(1);
}

/** The model's tensors, in ggml dims order ([n_in, n_out] for a weight matrix). */
export function tinyModelTensors(options: TinyModelOptions): TensorSpec[] {
  const o = resolved(options);
  const rng = new Rng(o.seed);
  const { embedding: e, feedForward: ff, vocabSize: v } = o;
  const kv = (e / o.heads) * o.headsKv;
  // Scale each matrix by 1/sqrt(fan-in) so activations neither vanish nor explode.
  const w = (name: string, nIn: number, nOut: number): TensorSpec => ({
    name,
    dims: [nIn, nOut],
    data: uniform(rng.fork(name), nIn * nOut, o.weightScale * Math.sqrt(3 / nIn) * 2),
  });
  const tensors: TensorSpec[] = [
    { name: 'token_embd.weight', dims: [e, v], data: uniform(rng.fork('embd'), e * v, 1) },
  ];
  for (let l = 0; l < o.layers; l++) {
    const b = `blk.${l}`;
    tensors.push(
      { name: `${b}.attn_norm.weight`, dims: [e], data: ones(e) },
      w(`${b}.attn_q.weight`, e, e),
      w(`${b}.attn_k.weight`, e, kv),
      w(`${b}.attn_v.weight`, e, kv),
      w(`${b}.attn_output.weight`, e, e),
      { name: `${b}.ffn_norm.weight`, dims: [e], data: ones(e) },
      w(`${b}.ffn_gate.weight`, e, ff),
      w(`${b}.ffn_up.weight`, e, ff),
      w(`${b}.ffn_down.weight`, ff, e),
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [e], data: ones(e) }, w('output.weight', e, v));
  return tensors;
}

export function tinyModelMetadata(options: TinyModelOptions): Array<[string, MetadataValue]> {
  const o = resolved(options);
  const vocab = vocabulary(o.vocabSize);
  if (vocab.tokens.length !== o.vocabSize)
    throw new Error(`vocabSize ${o.vocabSize} is below the ${vocab.tokens.length} fixed tokens`);
  const endToken = o.template === 'phi3' ? '<|end|>' : '<|im_end|>';
  return [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `stepq-tiny-${o.seed}` }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.context_length', { type: 'u32', value: o.contextLength }],
    ['llama.embedding_length', { type: 'u32', value: o.embedding }],
    ['llama.block_count', { type: 'u32', value: o.layers }],
    ['llama.feed_forward_length', { type: 'u32', value: o.feedForward }],
    ['llama.attention.head_count', { type: 'u32', value: o.heads }],
    ['llama.attention.head_count_kv', { type: 'u32', value: o.headsKv }],
    ['llama.rope.dimension_count', { type: 'u32', value: o.embedding / o.heads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: o.vocabSize }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.eot_token_id', { type: 'u32', value: vocab.tokens.indexOf(endToken) }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: options.addBos ?? true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ...(options.addSpacePrefix === undefined
      ? []
      : [
          ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: options.addSpacePrefix }] as [
            string,
            MetadataValue,
          ],
        ]),
    ['tokenizer.chat_template', { type: 'string', value: CHAT_TEMPLATES_JINJA[o.template] }],
  ];
}

export function writeTinyModel(path: string, options: TinyModelOptions): void {
  writeGguf(path, tinyModelMetadata(options), tinyModelTensors(options));
}

/** LoRA A ([n_in, r]) and B ([r, n_out]) per target weight, as llama.cpp's adapter loader expects. */
export function tinyLoraTensors(model: TinyModelOptions, lora: LoraOptions): TensorSpec[] {
  const base = new Map(tinyModelTensors(model).map((t) => [t.name, t]));
  const o = resolved(model);
  const rank = lora.rank ?? 4;
  const rng = new Rng(lora.seed);
  const out: TensorSpec[] = [];
  for (let l = 0; l < o.layers; l++) {
    for (const target of lora.targets ?? ['attn_q', 'attn_v', 'ffn_up']) {
      const name = `blk.${l}.${target}.weight`;
      const [nIn, nOut] = (base.get(name) as TensorSpec).dims as [number, number];
      const scale = lora.weightScale ?? 0.5;
      out.push({
        name: `${name}.lora_a`,
        dims: [nIn, rank],
        data: uniform(rng.fork(`${name}.a`), nIn * rank, scale / Math.sqrt(nIn)),
      });
      out.push({
        name: `${name}.lora_b`,
        dims: [rank, nOut],
        data: uniform(rng.fork(`${name}.b`), rank * nOut, scale),
      });
    }
  }
  return out;
}

export function writeTinyLora(path: string, model: TinyModelOptions, lora: LoraOptions): void {
  const rank = lora.rank ?? 4;
  writeGguf(
    path,
    [
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['general.type', { type: 'string', value: 'adapter' }],
      ['general.alignment', { type: 'u32', value: 32 }],
      ['adapter.type', { type: 'string', value: 'lora' }],
      ['adapter.lora.alpha', { type: 'f32', value: lora.alpha ?? rank }],
    ],
    tinyLoraTensors(model, lora),
  );
}

/** The base model with the adapter folded in: W' = W + (alpha / r) · B·A. */
export function writeMergedModel(path: string, model: TinyModelOptions, lora: LoraOptions): void {
  const rank = lora.rank ?? 4;
  const scale = (lora.alpha ?? rank) / rank;
  const adapters = new Map(tinyLoraTensors(model, lora).map((t) => [t.name, t]));
  const tensors = tinyModelTensors(model).map((t) => {
    const a = adapters.get(`${t.name}.lora_a`);
    const b = adapters.get(`${t.name}.lora_b`);
    if (!a || !b) return t;
    const [nIn, nOut] = t.dims as [number, number];
    const data = Float32Array.from(t.data);
    // ggml layout: element (in=i, out=o) of a [n_in, n_out] tensor is at o * n_in + i.
    for (let out = 0; out < nOut; out++) {
      for (let i = 0; i < nIn; i++) {
        let delta = 0;
        for (let k = 0; k < rank; k++)
          delta += (b.data[out * rank + k] as number) * (a.data[k * nIn + i] as number);
        data[out * nIn + i] = (data[out * nIn + i] as number) + scale * delta;
      }
    }
    return { ...t, data };
  });
  writeGguf(path, tinyModelMetadata(model), tensors);
}
