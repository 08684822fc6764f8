/** The decision point the GGUF scoring tests score, in-process and over llama-cpp-python's server alike. */
import type { StepContext } from '../../core/messages.js';

export const PARIS_CONTEXT: StepContext = {
  env: 'hotpotqa',
  taskId: 't1',
  task: 'Question: Which country is Paris the capital of?',
  history: [
    {
      text: 'Thought: I need to search Paris.\nAction: Search[Paris]',
      action: 'Search[Paris]',
      observation: 'Paris is the capital of France.',
    },
  ],
};
