/**
 * Synthetic step-level preference pairs with realistic text lengths and a planted,
 * env-independent preference: the chosen step's argument is grounded in the task or the
 * last observation and is new; the rejected one is made-up words or repeats the last step.
 * For tests and the benchmark only; it says nothing about real environments.
 */
import { Rng } from '../core/rng.js';
import { canonicalText } from '../agent/parse.js';
import type { HistoryStep, StepContext } from '../core/messages.js';
import type { TrainingPair } from './pairs.js';

const VERBS = ['search', 'lookup', 'click', 'open', 'finish'];

function vocabulary(rng: Rng, size: number): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const out = new Set<string>();
  while (out.size < size) {
    const len = 3 + rng.int(7);
    let w = '';
    for (let i = 0; i < len; i++) w += letters[rng.int(26)];
    out.add(w);
  }
  return [...out];
}

function phrase(rng: Rng, vocab: readonly string[], min: number, max: number): string {
  const n = min + rng.int(max - min + 1);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(vocab));
  return out.join(' ');
}

function pickWords(rng: Rng, text: string, n: number): string {
  const ws = text.split(' ');
  const start = rng.int(Math.max(1, ws.length - n));
  return ws.slice(start, start + n).join(' ');
}

export interface SyntheticOptions {
  pairs: number;
  tasks: number;
  seed: number;
  /** Fraction of pairs whose preference is flipped (label noise). */
  noise?: number;
}

export function syntheticPairs(opts: SyntheticOptions): TrainingPair[] {
  const rng = new Rng(`synthetic-pairs:${opts.seed}`);
  const vocab = vocabulary(rng, 3000);
  const tasks = Array.from({ length: opts.tasks }, (_, i) => ({
    id: `t${i}`,
    text: `Question: ${phrase(rng, vocab, 12, 30)}`,
  }));
  const out: TrainingPair[] = [];
  for (let k = 0; k < opts.pairs; k++) {
    const task = tasks[k % tasks.length] as { id: string; text: string };
    const depth = rng.int(6);
    const history: HistoryStep[] = [];
    for (let d = 0; d < depth; d++) {
      const action = `${rng.pick(VERBS.slice(0, 4))}[${phrase(rng, vocab, 1, 4)}]`;
      history.push({
        text: canonicalText(phrase(rng, vocab, 8, 25), action),
        action,
        observation: phrase(rng, vocab, 40, 300),
      });
    }
    const context: StepContext = { env: 'synthetic', taskId: task.id, task: task.text, history };
    const lastObs = history[history.length - 1]?.observation;
    const groundedSource =
      lastObs && rng.chance(0.5) ? lastObs : task.text.slice('Question: '.length);
    const good = `${rng.pick(VERBS)}[${pickWords(rng, groundedSource, 1 + rng.int(3))}]`;
    const last = history[history.length - 1];
    const bad =
      last && rng.chance(0.5) ? last.action : `${rng.pick(VERBS)}[${phrase(rng, vocab, 1, 3)}]`;
    let chosen = canonicalText(phrase(rng, vocab, 8, 30), good);
    let rejected = canonicalText(phrase(rng, vocab, 8, 30), bad);
    if (opts.noise && rng.chance(opts.noise)) [chosen, rejected] = [rejected, chosen];
    out.push({ taskId: task.id, context, chosen, rejected });
  }
  return out;
}
