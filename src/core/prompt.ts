/** An env's agent prompt: what the policy and the Q-value model see besides the task. */
import type { Message } from './messages.js';

/** An env's agent prompt: the instruction and the few-shot example turns. */
export interface AgentPrompt {
  instruction: string;
  /** Few-shot turns, alternating user (task/observation) and assistant (step), user first. */
  fewShot: Message[];
  /** How an observation becomes the next user turn. */
  formatObservation(observation: string): string;
}
