/**
 * The environment contract, in the style of Gymnasium's reset/step, but with the
 * state passed in and out as a plain JSON-serialisable value. A search tree node
 * keeps its state and can resume from it exactly: no env object holds episode state.
 */
export interface StepResult<S> {
  state: S;
  observation: string;
  /** Env reward for this step (HotPotQA: EM on Finish; WebShop: score on Buy Now; else 0). */
  reward: number;
  done: boolean;
  /** False when the action was not valid here (the state is then unchanged). */
  valid: boolean;
  /** Extra per-step metrics, e.g. `{ em: 1, f1: 0.8 }` on a HotPotQA Finish. */
  info?: Record<string, number>;
}

export interface ResetResult<S> {
  state: S;
  /** The task text the agent sees first (HotPotQA: `Question: ...`; WebShop: the init page). */
  observation: string;
}

/** How episode outcomes turn into the returns that MCTS backs up (documented per env). */
export interface ReturnRules {
  /** Return of an episode that ended with a terminal step of this reward. */
  terminal(reward: number): number;
  /** Return of an episode cut off at the depth limit. */
  depthLimit: number;
  /** Whether a terminal reward counts as a success (HotPotQA: EM = 1; WebShop: score = 1). */
  isSuccess(reward: number): boolean;
  /** What a success is, in words, for tables and reports (e.g. `exact match (EM = 1)`). */
  success?: string;
}

export interface Env<S = unknown> {
  /** `hotpotqa`, `webshop`, or a test env's name. */
  readonly name: string;
  /** Default depth limit (actions per episode): 7 for HotPotQA, 10 for WebShop. */
  readonly maxDepth: number;
  readonly returns: ReturnRules;
  reset(taskId: string): Promise<ResetResult<S>>;
  step(state: S, action: string): Promise<StepResult<S>>;
}

/** The tasks an env can be reset to, with named splits (e.g. `train`, `test`). */
export interface TaskSet {
  readonly ids: readonly string[];
  readonly splits: Readonly<Record<string, readonly string[]>>;
}

/** An env together with its tasks, as produced by an env factory from CLI options. */
export interface EnvBundle<S = unknown> {
  env: Env<S>;
  tasks: TaskSet;
  /** Human-readable description of the data source, for reports. */
  source: string;
}
