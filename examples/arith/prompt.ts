/** The arithmetic env's agent prompt: the tools, and one worked example. */
import type { AgentPrompt } from 'stepq';

export const arithPrompt: AgentPrompt = {
  instruction:
    'Solve the arithmetic task with interleaving Thought and Action steps. Action can be:\n' +
    '(1) Calc[a op b], a calculator for one operation (op is +, - or *) on two integers;\n' +
    '(2) Answer[n], which gives the final result and ends the task.\n' +
    'Use the calculator: mental arithmetic is error-prone.',
  fewShot: [
    {
      role: 'user',
      content: 'Question: Start with 4, add 3, then multiply by 2. What is the result?',
    },
    { role: 'assistant', content: 'Thought: First 4 + 3.\nAction: Calc[4 + 3]' },
    { role: 'user', content: 'Observation: 4 + 3 = 7' },
    { role: 'assistant', content: 'Thought: Now 7 * 2.\nAction: Calc[7 * 2]' },
    { role: 'user', content: 'Observation: 7 * 2 = 14' },
    {
      role: 'assistant',
      content: 'Thought: All operations are done; the result is 14.\nAction: Answer[14]',
    },
  ],
  formatObservation: (observation) => `Observation: ${observation}`,
};
