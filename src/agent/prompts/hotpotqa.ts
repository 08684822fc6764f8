import type { AgentPrompt } from './types.js';

// Placeholder until the agent prompt work lands (instruction + few-shot written by stepq).
export const hotpotqaPrompt: AgentPrompt = {
  instruction:
    'Answer the question by interleaving Thought and Action steps. Actions: Search[entity], Lookup[keyword], Finish[answer].',
  fewShot: [],
  formatObservation: (obs) => `Observation: ${obs}`,
};
