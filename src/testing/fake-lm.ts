/**
 * A fake language model behind the fake OpenAI server: a byte-level tokenizer and
 * deterministic log-probs, answered in the wire formats of vLLM and of llama-cpp-python's
 * server. It models what broke the string-based span code (issue #10, problem 3):
 *  - a tokenizer with or without BOS (Phi-1.5 has none);
 *  - tokens of at most 3 UTF-8 bytes, so multi-byte characters split across tokens, and
 *    each token decoded alone, as vLLM does: one that ends inside a character decodes to "",
 *    one that starts inside one gets U+FFFD;
 *  - a context limit answered with HTTP 400, as both servers do;
 *  - llama-cpp-python's echo log-probs, which skip a leading BOS and pair the i-th returned
 *    token with the logits after it (correct with a BOS, shifted by one without).
 * Token ids: special tokens 0.., byte chunks 1000 + length * 2^24 + their big-endian value.
 */

export interface FakeTokenizerOptions {
  /** The BOS string a string prompt gets in front (vLLM, llama.cpp), or null (no BOS). */
  bos: string | null;
  /**
   * `split`: whitespace runs and other runs are separate pre-tokens (GPT-2-like), so the
   * prompt/completion boundary after a newline never merges; `attach-space`: leading
   * whitespace joins the next word, so a completion's first token can merge with the
   * prompt's last newline (tokens that do not line up).
   */
  pretokenizer?: 'split' | 'attach-space';
}

export const FAKE_SPECIALS = [
  '<s>',
  '</s>',
  '<|begin_of_text|>',
  '<|user|>',
  '<|assistant|>',
  '<|system|>',
  '<|end|>',
  '<|im_start|>',
  '<|im_end|>',
  '<|start_header_id|>',
  '<|end_header_id|>',
  '<|eot_id|>',
] as const;

const CHUNK = 3;
const encoder = new TextEncoder();

export class FakeTokenizer {
  readonly bosId: number | null;
  private readonly specials: string[];

  constructor(readonly options: FakeTokenizerOptions) {
    this.bosId = options.bos === null ? null : FAKE_SPECIALS.indexOf(options.bos as never);
    if (this.bosId !== null && this.bosId < 0) throw new Error(`unknown BOS ${options.bos}`);
    this.specials = [...FAKE_SPECIALS].sort((a, b) => b.length - a.length);
  }

  /** ids(text): special-token strings become their ids; no BOS. */
  encode(text: string): number[] {
    const ids: number[] = [];
    let raw = '';
    const flush = () => {
      const pattern = this.options.pretokenizer === 'attach-space' ? /\s*\S+|\s+/gu : /\s+|\S+/gu;
      for (const piece of raw.match(pattern) ?? []) {
        const bytes = encoder.encode(piece);
        for (let i = 0; i < bytes.length; i += CHUNK)
          ids.push(chunkId(bytes.subarray(i, i + CHUNK)));
      }
      raw = '';
    };
    for (let i = 0; i < text.length;) {
      const special = this.specials.find((s) => text.startsWith(s, i));
      if (special) {
        flush();
        ids.push(FAKE_SPECIALS.indexOf(special as never));
        i += special.length;
      } else raw += text[i++];
    }
    flush();
    return ids;
  }

  /** What a text prompt becomes on the server: BOS (if any) + ids(text). */
  encodePrompt(text: string): number[] {
    return this.bosId === null ? this.encode(text) : [this.bosId, ...this.encode(text)];
  }

  bytes(id: number): Uint8Array {
    if (id < FAKE_SPECIALS.length) return encoder.encode(FAKE_SPECIALS[id] as string);
    const v = id - 1000;
    const length = Math.floor(v / 2 ** 24);
    let value = v % 2 ** 24;
    const out = new Uint8Array(length);
    for (let i = length - 1; i >= 0; i--) {
      out[i] = value % 256;
      value = Math.floor(value / 256);
    }
    return out;
  }

  /** A whole sequence decoded (the bytes joined first). */
  decode(ids: readonly number[]): string {
    const parts = ids.map((id) => this.bytes(id));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) all.set(p, (at += p.length) - p.length);
    return new TextDecoder().decode(all);
  }

  /** One token decoded alone, as vLLM reports it: "" when it ends inside a character. */
  decodeAlone(id: number): string {
    const bytes = this.bytes(id);
    if (endsInsideCharacter(bytes)) return '';
    return new TextDecoder().decode(bytes);
  }
}

function chunkId(bytes: Uint8Array): number {
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  return 1000 + bytes.length * 2 ** 24 + value;
}

/** True when the last UTF-8 sequence of `bytes` is incomplete. */
function endsInsideCharacter(bytes: Uint8Array): boolean {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back;
  }
  return false;
}

/**
 * log p(token | prefix) of a fake model: deterministic in (salt, position, previous token,
 * token), negative, and different for different salts. Two model names with the same salt
 * are two names of one model.
 */
export function fakeLogprob(salt: number, prefix: readonly number[], token: number): number {
  let h = 2166136261 ^ salt;
  for (const v of [prefix.length, prefix.at(-1) ?? -1, token]) {
    h = Math.imul(h ^ (v & 0xffff), 16777619);
    h = Math.imul(h ^ (v >>> 16), 16777619);
  }
  return -(0.05 + ((h >>> 0) % 4000) / 1000);
}

/** Summed log-prob of ids[from..] under a fake model (what a scorer should compute). */
export function fakeSpanLogprob(salt: number, ids: readonly number[], from: number): number {
  let sum = 0;
  for (let i = from; i < ids.length; i++)
    sum += fakeLogprob(salt, ids.slice(0, i), ids[i] as number);
  return sum;
}
