/**
 * The arithmetic env's definition, written outside src/ against the public API only. A
 * program makes it available with one line: `registerEnv(arithDefinition)`.
 * Data: `builtin:arith[:N]` (default N = 200), the first N tasks of a fixed sequence,
 * split 60/40 into train and test by a seeded shuffle.
 */
import { Rng, UserError, type EnvDefinition } from 'stepq';
import { ARITH_MAX_DEPTH, ARITH_RETURNS, ArithEnv } from './env.js';
import { arithHeuristicPolicy } from './heuristic.js';
import { arithPrompt } from './prompt.js';
import { generateTasks } from './tasks.js';

export { ArithEnv, type ArithState } from './env.js';

export const arithDefinition: EnvDefinition = {
  name: 'arith',
  description: 'arithmetic with a calculator tool: Calc[a op b], Answer[n] (exact answer)',
  maxDepth: ARITH_MAX_DEPTH,
  returns: ARITH_RETURNS,
  prompt: arithPrompt,
  heuristicPolicy: arithHeuristicPolicy,
  data: {
    default: 'builtin:arith:200',
    sample: 'builtin:arith:10',
    accepted: ['builtin:arith[:N]'],
  },
  async create({ data, seed }) {
    const m = /^builtin:arith(?::(\d+))?$/.exec(data ?? 'builtin:arith');
    const n = m ? Number(m[1] ?? 200) : NaN;
    if (!(n >= 1 && n <= 100_000))
      throw new UserError(`data ${data}: expected builtin:arith[:N] with N in 1..100000`);
    const tasks = generateTasks(n);
    const ids = tasks.map((t) => t.id);
    const shuffled = new Rng(`arith-split-${seed}`).shuffle(ids);
    const cut = Math.round(0.6 * ids.length);
    return {
      env: new ArithEnv(tasks),
      tasks: { ids, splits: { train: shuffled.slice(0, cut), test: shuffled.slice(cut) } },
      source: `arith: ${n} generated tasks`,
    };
  },
};
