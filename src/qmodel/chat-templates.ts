/**
 * Chat templates for the LLM implicit Q-value model, as plain text (special tokens written
 * as their strings, which OpenAI-compatible servers such as vLLM tokenise as special tokens).
 * No template writes a BOS token: the server's tokenizer adds it to a text prompt itself.
 *
 * The scored span is exactly what DPO training labels: the assistant turn's content plus
 * its end-of-turn marker, not the role header before it and not the newline after it.
 */
import type { Message } from '../core/messages.js';
import { UserError } from '../core/errors.js';
import type { StepContext } from '../core/messages.js';
import { qModelMessages } from '../agent/conversation.js';
import { parseReply } from '../agent/parse.js';

export interface ChatTemplate {
  name: string;
  /** Text before a turn's content, e.g. `<|assistant|>\n`. */
  header(role: Message['role']): string;
  /** End-of-turn marker right after the content, e.g. `<|end|>` (part of the scored span). */
  end: string;
  /** Text between one turn's end marker and the next turn's header. */
  separator: string;
}

/** Phi-3 (the paper's models): `<|user|>\n...<|end|>\n<|assistant|>\n...<|end|>\n`. */
const phi3: ChatTemplate = {
  name: 'phi3',
  header: (role) => `<|${role}|>\n`,
  end: '<|end|>',
  separator: '\n',
};

/** ChatML (Qwen, SmolLM, ...): `<|im_start|>user\n...<|im_end|>\n`. */
const chatml: ChatTemplate = {
  name: 'chatml',
  header: (role) => `<|im_start|>${role}\n`,
  end: '<|im_end|>',
  separator: '\n',
};

/** Llama 3 / 3.1: `<|start_header_id|>user<|end_header_id|>\n\n...<|eot_id|>`. */
const llama3: ChatTemplate = {
  name: 'llama3',
  header: (role) => `<|start_header_id|>${role}<|end_header_id|>\n\n`,
  end: '<|eot_id|>',
  separator: '',
};

export const CHAT_TEMPLATES: Readonly<Record<string, ChatTemplate>> = { phi3, chatml, llama3 };
export const DEFAULT_TEMPLATE = 'phi3';

export function chatTemplate(name: string): ChatTemplate {
  const t = CHAT_TEMPLATES[name];
  if (!t)
    throw new UserError(
      `unknown chat template "${name}" (expected one of: ${Object.keys(CHAT_TEMPLATES).join(', ')})`,
    );
  return t;
}

/** The prompt turns followed by the assistant reply, and where the scored span starts. */
export interface ScoringText {
  text: string;
  /** Character offset of the first scored character (the reply's first character). */
  spanStart: number;
}

export function renderForScoring(
  template: ChatTemplate,
  prompt: readonly Message[],
  reply: string,
): ScoringText {
  let text = '';
  for (const m of prompt)
    text += template.header(m.role) + m.content + template.end + template.separator;
  text += template.header('assistant');
  const spanStart = text.length;
  text += reply + template.end;
  return { text, spanStart };
}

/**
 * The texts an implicit Q-value model scores for each candidate: qModelMessages(context)
 * (exactly what the pairs store) rendered with the reply. Candidates without an action get
 * Q = 0 and are left out, so no model call is spent on them.
 */
export function scoringTexts(
  template: ChatTemplate,
  context: StepContext,
  candidates: readonly string[],
): Array<{ index: number; scoring: ScoringText }> {
  const prompt = qModelMessages(context);
  const out: Array<{ index: number; scoring: ScoringText }> = [];
  candidates.forEach((candidate, index) => {
    if (parseReply(candidate).action === '') return;
    out.push({ index, scoring: renderForScoring(template, prompt, candidate) });
  });
  return out;
}
