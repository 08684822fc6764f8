/** The sampling and request settings of an LLM policy, with their defaults (src/core/settings.ts). */
import { defaultsOf, int, num, type Values } from '../core/settings.js';

export const POLICY_SETTINGS = {
  temperature: num({ default: 1.0, min: 0, max: 2, arg: 't', help: 'sampling temperature' }),
  topP: num({ default: 0.9, min: 0, max: 1, arg: 'p', help: 'nucleus sampling top_p' }),
  maxTokens: int({ default: 256, min: 1, help: 'max tokens per reply' }),
  concurrency: int({
    default: 8,
    min: 1,
    flag: 'llm-concurrency',
    arg: 'k',
    help: 'global limit of LLM requests in flight',
    defaultText: 'the task concurrency; 8 where no tasks run',
  }),
  timeoutMs: int({
    default: 60_000,
    min: 1,
    flag: 'timeout',
    arg: 'ms',
    help: 'LLM request timeout in ms',
  }),
  maxRetries: int({
    default: 4,
    min: 0,
    flag: 'retries',
    help: 'retries on 429/5xx/timeouts (exponential backoff)',
  }),
};

export type PolicySettings = Values<typeof POLICY_SETTINGS>;

export const DEFAULT_POLICY_SETTINGS: PolicySettings = defaultsOf(POLICY_SETTINGS);
