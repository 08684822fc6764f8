/** The trajectory record written by `stepq eval` (one JSON line per task). */
import { z } from 'zod';

/** A decision rule's name (src/eval/decision registers them; the list lives only there). */
export type Algorithm = string;

const usageSchema = z.object({
  calls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
});

export const candidateSchema = z.object({
  text: z.string(),
  action: z.string(),
  /** Q-value from the Q-value model (rules that use one). */
  q: z.number().optional(),
  /** How many of the step's raw samples proposed this action (absent in older files). */
  votes: z.number().int().min(0).optional(),
});

export const stepLogSchema = z.object({
  depth: z.number().int(),
  /** Distinct candidates after dedup on the normalised action, in sampling order. */
  candidates: z.array(candidateSchema),
  /** Index into candidates of the executed one. */
  chosen: z.number().int(),
  observation: z.string(),
  reward: z.number(),
  done: z.boolean(),
  valid: z.boolean(),
});

export const trajectorySchema = z.object({
  format: z.literal('stepq.trajectory/1'),
  env: z.string(),
  taskId: z.string(),
  task: z.string(),
  /** The decision rule (its registered name). */
  algorithm: z.string().min(1),
  policy: z.string(),
  qmodel: z.string().optional(),
  n: z.number().int(),
  seed: z.number().int(),
  steps: z.array(stepLogSchema),
  /** Reward of the final step when the episode ended, else 0. */
  reward: z.number(),
  success: z.boolean(),
  /** True when the depth limit cut the episode off. */
  depthLimited: z.boolean(),
  /** Extra metrics of the final step (HotPotQA: em, f1). */
  info: z.record(z.string(), z.number()),
  usage: usageSchema,
  wallSeconds: z.number(),
  /** Set when the episode could not run (e.g. the LLM failed after retries); counts as a failure. */
  error: z.string().optional(),
});

export type CandidateLog = z.infer<typeof candidateSchema>;
export type StepLog = z.infer<typeof stepLogSchema>;
export type Trajectory = z.infer<typeof trajectorySchema>;
