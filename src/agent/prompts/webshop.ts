import type { AgentPrompt } from './types.js';

// Placeholder until the WebShop agent prompt lands.
export const webshopPrompt: AgentPrompt = {
  instruction: 'You are shopping on a website. Actions: search[keywords], click[value].',
  fewShot: [],
  formatObservation: (obs) => `Observation:\n${obs}`,
};
