/**
 * The arithmetic env: a calculator tool and an answer. `Calc[a op b]` (one operation of
 * + - * on two integers) observes `a op b = r`; `Answer[n]` ends the episode with reward 1
 * when n is the task's answer, else 0. Anything else is invalid and changes nothing. The
 * state is plain JSON (the task id, the calls made, whether it is over), so a search tree
 * node resumes from it exactly; the tasks themselves live in the env.
 */
import type { Env, ReturnRules, StepResult } from 'stepq';
import type { ArithTask } from './tasks.js';

export interface ArithState {
  taskId: string;
  calls: number;
  over: boolean;
}

export const ARITH_MAX_DEPTH = 6;

/** A right answer returns 1; a wrong one, or running out of steps, -1. */
export const ARITH_RETURNS: ReturnRules = {
  terminal: (reward) => (reward === 1 ? 1 : -1),
  depthLimit: -1,
  isSuccess: (reward) => reward === 1,
};

const CALC = /^Calc\[\s*(-?\d+)\s*([+\-*])\s*(-?\d+)\s*\]$/;
const ANSWER = /^Answer\[\s*(-?\d+)\s*\]$/;

export class ArithEnv implements Env<ArithState> {
  readonly name = 'arith';
  readonly maxDepth = ARITH_MAX_DEPTH;
  readonly returns = ARITH_RETURNS;
  private readonly tasks: Map<string, ArithTask>;

  constructor(tasks: readonly ArithTask[]) {
    this.tasks = new Map(tasks.map((t) => [t.id, t]));
  }

  private task(id: string): ArithTask {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`arith: unknown task ${id}`);
    return task;
  }

  async reset(taskId: string) {
    return { state: { taskId, calls: 0, over: false }, observation: this.task(taskId).question };
  }

  async step(state: ArithState, action: string): Promise<StepResult<ArithState>> {
    const invalid = (why: string): StepResult<ArithState> => ({
      state,
      observation: `Invalid action: ${why}`,
      reward: 0,
      done: false,
      valid: false,
    });
    if (state.over) return invalid('the episode is over');
    const calc = CALC.exec(action);
    if (calc) {
      const [a, op, b] = [Number(calc[1]), calc[2], Number(calc[3])];
      const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
      return {
        state: { ...state, calls: state.calls + 1 },
        observation: `${a} ${op} ${b} = ${r}`,
        reward: 0,
        done: false,
        valid: true,
      };
    }
    const answer = ANSWER.exec(action);
    if (answer) {
      const correct = Number(answer[1]) === this.task(state.taskId).answer;
      return {
        state: { ...state, over: true },
        observation: correct ? 'Correct.' : 'Wrong.',
        reward: correct ? 1 : 0,
        done: true,
        valid: true,
        info: { correct: correct ? 1 : 0 },
      };
    }
    return invalid('use Calc[a + b], Calc[a - b], Calc[a * b] or Answer[n]');
  }
}
