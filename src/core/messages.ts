/** Chat messages as every backend (OpenAI-compatible or embedded) sees them. */
export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One executed step of an episode: what the agent wrote and what the env answered. */
export interface HistoryStep {
  /** The canonical assistant text, `Thought: ...\nAction: ...` (identical in trees, pairs and Q-scoring). */
  text: string;
  /** The env command that was executed, e.g. `Search[Paris]`. */
  action: string;
  observation: string;
}

/**
 * Everything the agent may see at a decision point: the task as the env showed it
 * (HotPotQA: `Question: ...`; WebShop: the initial page text) and the steps so far.
 * Policies and Q-value models both read this; neither sees answers or goals.
 */
export interface StepContext {
  env: string;
  taskId: string;
  task: string;
  history: readonly HistoryStep[];
}
