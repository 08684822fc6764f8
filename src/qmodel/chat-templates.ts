/**
 * The one renderer of the LLM Q-value model's text (docs/llm-qmodel-contract.md §1): the
 * prompt turns and the scored completion, as plain text with special tokens written as
 * their strings. `stepq pairs --format trl` writes exactly these strings for training and
 * the `llm:` / `gguf:` scorers tokenise exactly these strings, so the two cannot drift.
 *
 * No template writes a BOS token: whether one goes in front is the tokenizer's business
 * (the manifest's `tokens.addBos`, see token-span.ts). The completion is the reply plus its
 * end-of-turn marker, not the role header before it nor any newline after it.
 *
 * `chatml` and `llama3` reproduce what transformers renders with Qwen2.5's and Llama 3.1's
 * own chat templates (trim_blocks/lstrip_blocks, default system turn, date header, content
 * trimming); test/fixtures/chat-templates holds transformers' renderings and the script
 * that regenerates them.
 */
import type { Message, StepContext } from '../core/messages.js';
import type { ChatTemplate } from '../core/chat-template.js';
import { UserError } from '../core/errors.js';
import { qModelMessages } from '../agent/conversation.js';
import { parseReply } from '../agent/parse.js';

export type { ChatTemplate };

/** Phi-3 style (the paper's models): `<|user|>\n...<|end|>\n<|assistant|>\n`; reply + `<|end|>`. */
const phi3: ChatTemplate = {
  name: 'phi3',
  end: '<|end|>',
  renderPrompt: (messages) =>
    messages.map((m) => `<|${m.role}|>\n${m.content}<|end|>\n`).join('') + '<|assistant|>\n',
  renderCompletion: (reply) => `${reply}<|end|>`,
};

/** Qwen2.5's default system turn, which its template inserts when the first turn is not a system one. */
export const QWEN_DEFAULT_SYSTEM =
  'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

/** ChatML as Qwen2.5 renders it: a system turn first (its default if none), `\n` after every `<|im_end|>`. */
const chatml: ChatTemplate = {
  name: 'chatml',
  end: '<|im_end|>',
  renderPrompt(messages) {
    const turns =
      messages[0]?.role === 'system'
        ? messages
        : [{ role: 'system' as const, content: QWEN_DEFAULT_SYSTEM }, ...messages];
    return (
      turns.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('') +
      '<|im_start|>assistant\n'
    );
  },
  renderCompletion: (reply) => `${reply}<|im_end|>`,
};

/** The date Llama 3.1's template writes when the caller passes none (it has no clock). */
export const LLAMA31_DEFAULT_DATE = '26 Jul 2024';

/**
 * Llama 3.1 as its template renders it: a system turn with the knowledge-cutoff and date
 * lines (then the system message, if the first turn is one), every content trimmed.
 */
const llama3: ChatTemplate = {
  name: 'llama3',
  end: '<|eot_id|>',
  renderPrompt(messages) {
    const hasSystem = messages[0]?.role === 'system';
    const system = hasSystem ? (messages[0] as Message).content.trim() : '';
    const turn = (role: string, content: string) =>
      `<|start_header_id|>${role}<|end_header_id|>\n\n${content}<|eot_id|>`;
    let text = turn(
      'system',
      `Cutting Knowledge Date: December 2023\nToday Date: ${LLAMA31_DEFAULT_DATE}\n\n${system}`,
    );
    for (const m of hasSystem ? messages.slice(1) : messages)
      text += turn(m.role, m.content.trim());
    return `${text}<|start_header_id|>assistant<|end_header_id|>\n\n`;
  },
  renderCompletion: (reply) => `${reply.trim()}<|eot_id|>`,
};

export const CHAT_TEMPLATES: Readonly<Record<string, ChatTemplate>> = { phi3, chatml, llama3 };
export const TEMPLATE_NAMES = Object.keys(CHAT_TEMPLATES);
export const DEFAULT_TEMPLATE = 'phi3';

export function chatTemplate(name: string): ChatTemplate {
  const t = CHAT_TEMPLATES[name];
  if (!t)
    throw new UserError(
      `unknown chat template "${name}" (expected one of: ${TEMPLATE_NAMES.join(', ')})`,
    );
  return t;
}

/** One candidate's rendered prompt and completion (the scored span is the completion). */
export interface ScoringText {
  prompt: string;
  completion: string;
  /** prompt + completion, and where the completion starts in it. */
  text: string;
  spanStart: number;
}

function scoring(prompt: string, completion: string): ScoringText {
  return { prompt, completion, text: prompt + completion, spanStart: prompt.length };
}

export function renderForScoring(
  template: ChatTemplate,
  prompt: readonly Message[],
  reply: string,
): ScoringText {
  return scoring(template.renderPrompt(prompt), template.renderCompletion(reply));
}

/** True when a candidate has an action to score; others rank below every scored one. */
export function hasAction(candidate: string): boolean {
  return parseReply(candidate).action.trim() !== '';
}

/**
 * The texts an implicit Q-value model scores for each candidate with an action:
 * qModelMessages(context) (exactly what the pairs store) rendered with the reply.
 * Candidates without an action are left out (no model call is spent on them).
 */
export function scoringTexts(
  template: ChatTemplate,
  context: StepContext,
  candidates: readonly string[],
): Array<{ index: number; scoring: ScoringText }> {
  const prompt = template.renderPrompt(qModelMessages(context));
  const out: Array<{ index: number; scoring: ScoringText }> = [];
  candidates.forEach((candidate, index) => {
    if (!hasAction(candidate)) return;
    out.push({ index, scoring: scoring(prompt, template.renderCompletion(candidate)) });
  });
  return out;
}
