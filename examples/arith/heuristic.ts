/**
 * A scripted, imperfect player for the arithmetic env, standing in for an LLM: it reads only
 * the conversation. Usually it calls the calculator on the next operation, but it sometimes
 * misreads an operand, answers in its head (often wrongly) before the work is done, or slips
 * when copying the final result. Those are the mistakes a Q-value model can learn to avoid.
 */
import { samplingPolicy, type Message, type Policy, type Rng } from 'stepq';
import { apply, readQuestion } from './tasks.js';

interface Move {
  weight: number;
  thought: string;
  action: string;
}

/** Draws one move by weight and writes it as the agent's reply. */
function pickMove(moves: readonly Move[], rng: Rng): string {
  const total = moves.reduce((s, m) => s + m.weight, 0);
  let x = rng.next() * total;
  const move = moves.find((m) => (x -= m.weight) < 0) ?? (moves[moves.length - 1] as Move);
  return `Thought: ${move.thought}\nAction: ${move.action}`;
}

function sampleStep(messages: readonly Message[], rng: Rng): string {
  // The task is the last question asked (the few-shot example comes before it).
  const at = messages.findLastIndex((m) => m.role === 'user' && m.content.startsWith('Question:'));
  const task = at >= 0 ? readQuestion((messages[at] as Message).content) : null;
  if (!task) return 'Thought: I cannot read the task.\nAction: Answer[0]';
  let value = task.start;
  let done = 0;
  for (const m of messages.slice(at + 1)) {
    const r = m.role === 'user' ? /= (-?\d+)$/.exec(m.content) : null;
    if (r) {
      value = Number(r[1]);
      done++;
    }
  }
  const next = task.steps[done];
  if (!next) {
    const slip = value + (rng.chance(0.5) ? 1 : -1);
    return pickMove(
      [
        {
          weight: 0.9,
          thought: `All operations are done; the result is ${value}.`,
          action: `Answer[${value}]`,
        },
        { weight: 0.1, thought: `That should be it: ${slip}.`, action: `Answer[${slip}]` },
      ],
      rng,
    );
  }
  const exact = task.steps.slice(done).reduce((v, s) => apply(v, s.op, s.operand), value);
  const guess = rng.chance(0.35) ? exact : exact + (1 + rng.int(5)) * (rng.chance(0.5) ? 1 : -1);
  const misread = next.operand + (rng.chance(0.5) ? 1 : -1);
  return pickMove(
    [
      {
        weight: 0.6,
        thought: `Next ${value} ${next.op} ${next.operand}.`,
        action: `Calc[${value} ${next.op} ${next.operand}]`,
      },
      {
        weight: 0.15,
        thought: `Next ${value} ${next.op} ${misread}.`,
        action: `Calc[${value} ${next.op} ${misread}]`,
      },
      {
        weight: 0.25,
        thought: `I can do the rest in my head: ${guess}.`,
        action: `Answer[${guess}]`,
      },
    ],
    rng,
  );
}

export function arithHeuristicPolicy(): Policy {
  return samplingPolicy('arith-heuristic', sampleStep);
}
