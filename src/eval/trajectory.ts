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

/**
 * A trajectory log (trajectories.jsonl) read as one record per task: a task tried again
 * (after an errored attempt, on a resumed run) keeps its last record; the attempts it
 * replaced are returned apart, so readers can show them without counting them twice.
 */
export interface TrajectoryLog {
  /** One record per task (its last attempt), in the order tasks first appear. */
  latest: Trajectory[];
  /** Earlier attempts replaced by a later one (errored ones, as a rule). */
  superseded: Trajectory[];
  /** Lines that are not a valid record (a line torn by a crash, or foreign), 1-based. */
  badLines: number[];
}

export function parseTrajectoryLog(text: string): TrajectoryLog {
  const byTask = new Map<string, Trajectory>();
  const superseded: Trajectory[] = [];
  const badLines: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      badLines.push(i + 1);
      return;
    }
    const parsed = trajectorySchema.safeParse(value);
    if (!parsed.success) {
      badLines.push(i + 1);
      return;
    }
    // Records of another decision rule or n in the same file are different arms; the key keeps them apart.
    const key = `${parsed.data.algorithm}\0${parsed.data.n}\0${parsed.data.taskId}`;
    const previous = byTask.get(key);
    if (previous) superseded.push(previous);
    byTask.set(key, parsed.data);
  });
  return { latest: [...byTask.values()], superseded, badLines };
}
