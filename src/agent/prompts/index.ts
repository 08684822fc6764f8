/** Each env's agent prompt is part of its registration (src/core/registry.ts). */
import { getEnv } from '../../core/registry.js';
import type { AgentPrompt } from './types.js';

export function promptFor(env: string): AgentPrompt {
  return getEnv(env).prompt;
}
