import type { StepContext } from './messages.js';

/**
 * A step-level Q-value model: one Q-value per candidate action in a given state.
 * Candidates are canonical assistant texts (`Thought: ...\nAction: ...`), exactly as
 * they appear in trees and preference pairs, so training and inference score the same text.
 * A candidate the model cannot score (no action) gets -Infinity, so it ranks below every
 * scored one whatever their sign.
 */
export interface QModel {
  readonly name: string;
  score(
    context: StepContext,
    candidates: readonly string[],
    evidence?: CandidateEvidence,
  ): Promise<number[]>;
}

/**
 * What the policy itself said about the candidates, for models that combine it with Q
 * (a model may ignore it). `votes[i]`: how many of the n samples proposed candidate i.
 */
export interface CandidateEvidence {
  votes?: readonly number[];
}
