/** The prompt contract lives in src/core (the env registry holds each env's prompt). */
export type { AgentPrompt } from '../../core/prompt.js';
