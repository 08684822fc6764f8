/**
 * The two renderings of a decision point. The policy sees the instruction, few-shot
 * examples, task and history; the Q-value model sees the same without the few-shot
 * examples (as the official pairs do, and short enough for a small model's context).
 * Pairs store qModelMessages(...) and the LLM Q-value model scores exactly that text.
 */
import type { Message, StepContext } from '../core/messages.js';
import { promptFor } from './prompts/index.js';

function historyTurns(ctx: StepContext): Message[] {
  const prompt = promptFor(ctx.env);
  const turns: Message[] = [];
  for (const step of ctx.history) {
    turns.push({ role: 'assistant', content: step.text });
    turns.push({ role: 'user', content: prompt.formatObservation(step.observation) });
  }
  return turns;
}

export function policyMessages(ctx: StepContext): Message[] {
  const prompt = promptFor(ctx.env);
  return [
    { role: 'user', content: prompt.instruction },
    { role: 'assistant', content: 'OK' },
    ...prompt.fewShot,
    { role: 'user', content: ctx.task },
    ...historyTurns(ctx),
  ];
}

export function qModelMessages(ctx: StepContext): Message[] {
  const prompt = promptFor(ctx.env);
  return [
    { role: 'user', content: prompt.instruction },
    { role: 'assistant', content: 'OK' },
    { role: 'user', content: ctx.task },
    ...historyTurns(ctx),
  ];
}
