/**
 * From the chat messages an agent sends to the decision context a Q-value model scores.
 * Three prompt styles are understood (docs/proxy.md):
 *  - `stepq`: stepq's own rendering (policyMessages): instruction, `OK`, stepq's few-shot turns,
 *    task, then (step, observation) pairs. Recognised by its exact instruction and examples.
 *  - `react`: the paper's code: instruction, `OK`, k in-context turns, task, then pairs; k is the
 *    env's default (HotPotQA 22, WebShop 8) unless given.
 *  - `generic`: system messages dropped, the first user message is the task, then pairs.
 * `auto` tries them in that order. Anything else is not decided on (the proxy passes it through).
 */
import { promptFor } from '../agent/prompts/index.js';
import { parseReply } from '../agent/parse.js';
import type { HistoryStep, Message, StepContext } from '../core/messages.js';

export const PROMPT_STYLES = ['auto', 'stepq', 'react', 'generic'] as const;
export type PromptStyle = (typeof PROMPT_STYLES)[number];

/** In-context turns before the task in the paper's prompts (3 HotPotQA / 1 WebShop examples). */
export const REACT_ICL_TURNS: Readonly<Record<string, number>> = { hotpotqa: 22, webshop: 8 };

export interface ConversationOptions {
  env: string;
  style: PromptStyle;
  /** In-context turns for the `react` style; defaults to REACT_ICL_TURNS[env]. */
  iclTurns?: number;
}

export type Mapped =
  | { ok: true; context: StepContext; style: Exclude<PromptStyle, 'auto'> }
  | { ok: false; reason: string };

function sameTurns(a: readonly Message[], b: readonly Message[]): boolean {
  return (
    a.length === b.length && a.every((m, i) => m.role === b[i]?.role && m.content === b[i]?.content)
  );
}

/** The observation inside a user turn: the env prompt's own prefix, or a ReAct `Observation N:`. */
function observationOf(env: string, content: string): string {
  const prefix = promptFor(env).formatObservation('').trimEnd();
  if (prefix && content.startsWith(prefix)) return content.slice(prefix.length).trim();
  const react = /^\s*Observation\s*\d*\s*:\s*/i.exec(content);
  return (react ? content.slice(react[0].length) : content).trim();
}

/** Task at `taskIndex`, then alternating assistant steps and user observations to the end. */
function fromTaskIndex(
  env: string,
  turns: readonly Message[],
  taskIndex: number,
): StepContext | string {
  const task = turns[taskIndex];
  if (!task || task.role !== 'user') return `message ${taskIndex} is not the user's task`;
  const rest = turns.slice(taskIndex + 1);
  const misplaced = rest.findIndex((m, i) => m.role !== (i % 2 === 0 ? 'assistant' : 'user'));
  if (misplaced >= 0)
    return `messages after the task do not alternate assistant / user (at ${taskIndex + 1 + misplaced})`;
  if (rest.length % 2 !== 0) return 'the conversation does not end with a user turn';
  const history: HistoryStep[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const step = rest[i] as Message;
    const observation = rest[i + 1] as Message;
    const parsed = parseReply(step.content);
    history.push({
      text: parsed.text,
      action: parsed.action,
      observation: observationOf(env, observation.content),
    });
  }
  return { env, taskId: '', task: task.content.trim(), history };
}

export function messagesToContext(
  messages: readonly Message[],
  options: ConversationOptions,
): Mapped {
  const { env } = options;
  const turns = messages.filter((m) => m.role !== 'system');
  const last = turns[turns.length - 1];
  if (!last || last.role !== 'user')
    return { ok: false, reason: 'the last message is not a user turn' };
  const prompt = promptFor(env);
  const attempts: Array<[Exclude<PromptStyle, 'auto'>, () => StepContext | string]> = [
    [
      'stepq',
      () => {
        const head = turns.slice(0, 2 + prompt.fewShot.length);
        const expected: Message[] = [
          { role: 'user', content: prompt.instruction },
          { role: 'assistant', content: 'OK' },
          ...prompt.fewShot,
        ];
        if (!sameTurns(head, expected)) return "the messages do not start with stepq's prompt";
        return fromTaskIndex(env, turns, expected.length);
      },
    ],
    [
      'react',
      () => {
        if (
          turns[0]?.role !== 'user' ||
          turns[1]?.role !== 'assistant' ||
          turns[1].content.trim() !== 'OK'
        )
          return 'the messages do not start with an instruction and "OK"';
        const k = options.iclTurns ?? REACT_ICL_TURNS[env];
        if (k === undefined) return `no in-context turn count is known for env "${env}"`;
        return fromTaskIndex(env, turns, 2 + k);
      },
    ],
    [
      'generic',
      () =>
        fromTaskIndex(
          env,
          turns,
          turns.findIndex((m) => m.role === 'user'),
        ),
    ],
  ];
  const reasons: string[] = [];
  for (const [style, attempt] of attempts) {
    if (options.style !== 'auto' && options.style !== style) continue;
    const result = attempt();
    if (typeof result !== 'string') return { ok: true, context: result, style };
    reasons.push(`${style}: ${result}`);
  }
  return { ok: false, reason: reasons.join('; ') };
}
