import { UserError } from '../../core/errors.js';
import { hotpotqaPrompt } from './hotpotqa.js';
import type { AgentPrompt } from './types.js';
import { webshopPrompt } from './webshop.js';

const prompts: Record<string, AgentPrompt> = {
  hotpotqa: hotpotqaPrompt,
  webshop: webshopPrompt,
};

/** Registers the prompt of another env (tests use small toy envs). */
export function registerPrompt(env: string, prompt: AgentPrompt): void {
  prompts[env] = prompt;
}

export function promptFor(env: string): AgentPrompt {
  const prompt = prompts[env];
  if (!prompt) throw new UserError(`no agent prompt for env "${env}"`);
  return prompt;
}
