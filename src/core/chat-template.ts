/**
 * The contract of a chat template: how a conversation becomes the one prompt string an LLM
 * scores or continues. Templates live in src/qmodel/chat-templates.ts; pair writers (src/data)
 * and scorers only need this shape.
 */
import type { Message } from './messages.js';

export interface ChatTemplate {
  name: string;
  /** Every turn of `messages`, then the assistant header the reply follows. */
  renderPrompt(messages: readonly Message[]): string;
  /** The scored completion: the reply and the end-of-turn marker. */
  renderCompletion(reply: string): string;
  /** The end-of-turn marker that closes a completion, e.g. `<|end|>`. */
  end: string;
}
