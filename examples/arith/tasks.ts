/**
 * The arithmetic tasks: start with a number, apply two or three operations in order
 * ("add 5", "multiply by 3", ...), report the result. Generated from a fixed seed, so
 * `builtin:arith:N` is the same N tasks everywhere; the answer is checkable exactly.
 */
import { Rng } from 'stepq';

export type Op = '+' | '-' | '*';

export interface ArithTask {
  id: string;
  start: number;
  steps: Array<{ op: Op; operand: number }>;
  answer: number;
  question: string;
}

const WORDS: Record<Op, (x: number) => string> = {
  '+': (x) => `add ${x}`,
  '-': (x) => `subtract ${x}`,
  '*': (x) => `multiply by ${x}`,
};

export function apply(value: number, op: Op, operand: number): number {
  return op === '+' ? value + operand : op === '-' ? value - operand : value * operand;
}

/** The first n tasks of the fixed sequence (ids `a0`, `a1`, ...). */
export function generateTasks(n: number): ArithTask[] {
  const rng = new Rng('stepq-example-arith');
  return Array.from({ length: n }, (_, i) => {
    const start = 2 + rng.int(19);
    const steps = Array.from({ length: 2 + rng.int(2) }, () => ({
      op: rng.pick(['+', '-', '*'] as const),
      operand: 2 + rng.int(11),
    }));
    const answer = steps.reduce((v, s) => apply(v, s.op, s.operand), start);
    const said = steps.map((s) => WORDS[s.op](s.operand));
    const question =
      `Question: Start with ${start}, ${said.slice(0, -1).join(', ')}, then ${said.at(-1)}. ` +
      'What is the result?';
    return { id: `a${i}`, start, steps, answer, question };
  });
}

/** Reads a question back into its start value and operations (the heuristic policy uses it). */
export function readQuestion(text: string): { start: number; steps: ArithTask['steps'] } | null {
  const m = /Start with (-?\d+), (.*)\. What is the result\?/.exec(text);
  if (!m) return null;
  const steps: ArithTask['steps'] = [];
  for (const part of (m[2] ?? '').split(/, (?:then )?/)) {
    const w = /^(add|subtract|multiply by) (\d+)$/.exec(part.replace(/^then /, ''));
    if (!w) return null;
    const op: Op = w[1] === 'add' ? '+' : w[1] === 'subtract' ? '-' : '*';
    steps.push({ op, operand: Number(w[2]) });
  }
  return { start: Number(m[1]), steps };
}
