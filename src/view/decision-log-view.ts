/**
 * `stepq view decisions.jsonl`: a decision log of `stepq serve-qguided` shown with the viewer's
 * trajectory views. Consecutive decisions on the same task (depth 0, 1, 2, ...) form one
 * episode; each step shows the candidates, their votes and Q-values and the chosen one, and
 * the observation that came next. Pass-through records have no candidates and are counted only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { StepLog, Trajectory } from '../eval/trajectory.js';
import { DECISION_FORMAT } from '../proxy/decision-log.js';
import { openRunFolder, type RunFolder, type TaskRow } from './run-folder.js';

const recordSchema = z.looseObject({
  format: z.literal(DECISION_FORMAT),
  decision: z.enum(['qguided', 'passthrough']),
  model: z.string(),
  task: z.string().optional(),
  depth: z.number().int().min(0).optional(),
  observation: z.string().optional(),
  qmodel: z.string().optional(),
  n: z.number().int().optional(),
  chosen: z.number().int().nullable().optional(),
  candidates: z
    .array(
      z.object({
        text: z.string(),
        action: z.string(),
        votes: z.number().int(),
        q: z.number().nullable(),
      }),
    )
    .optional(),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).optional(),
});
type DecisionRow = z.infer<typeof recordSchema>;

/** Whether `file`'s first line is a decision record. */
export function isDecisionLog(file: string): boolean {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  try {
    return (JSON.parse(first) as { format?: unknown }).format === DECISION_FORMAT;
  } catch {
    return false;
  }
}

function readRecords(file: string, problems: string[]): DecisionRow[] {
  const out: DecisionRow[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let parsed;
      try {
        parsed = recordSchema.safeParse(JSON.parse(line));
      } catch {
        problems.push(`${file}:${i + 1}: not valid JSON (left out)`);
        return;
      }
      if (parsed.success) out.push(parsed.data);
      else
        problems.push(
          `${file}:${i + 1}: ${parsed.error.issues[0]?.message ?? 'bad record'} (left out)`,
        );
    });
  return out;
}

export function openDecisionLog(file: string): RunFolder {
  const problems: string[] = [];
  const records = readRecords(file, problems);
  const episodes: Trajectory[] = [];
  let passedThrough = 0;
  for (const r of records) {
    if (r.decision !== 'qguided' || !r.task || r.depth === undefined || !r.candidates) {
      passedThrough++;
      continue;
    }
    let episode = episodes.at(-1);
    const continues = episode && episode.task === r.task && episode.steps.length === r.depth;
    if (!episode || !continues) {
      episode = {
        format: 'stepq.trajectory/1',
        env: 'proxy',
        taskId: `decision-${String(episodes.length).padStart(4, '0')}`,
        task: r.task,
        algorithm: 'qguided',
        policy: r.model,
        ...(r.qmodel ? { qmodel: r.qmodel } : {}),
        n: r.n ?? r.candidates.length,
        seed: 0,
        steps: [],
        reward: 0,
        success: false,
        depthLimited: false,
        info: {},
        usage: { calls: 0, promptTokens: 0, completionTokens: 0 },
        wallSeconds: 0,
      };
      episodes.push(episode);
    }
    const previous = episode.steps.at(-1);
    if (previous && r.observation !== undefined) previous.observation = r.observation;
    const step: StepLog = {
      depth: r.depth,
      candidates: r.candidates.map((c) => ({
        text: c.text,
        action: c.action,
        votes: c.votes,
        ...(c.q === null ? {} : { q: c.q }),
      })),
      chosen: r.chosen ?? 0,
      observation: '',
      reward: 0,
      done: false,
      valid: true,
    };
    episode.steps.push(step);
    episode.usage.calls++;
    episode.usage.promptTokens += r.usage?.prompt_tokens ?? 0;
    episode.usage.completionTokens += r.usage?.completion_tokens ?? 0;
  }
  if (episodes.length === 0)
    throw new UserError(
      `${file}: no Q-guided decision in this log (${passedThrough} pass-through record(s))`,
    );
  if (passedThrough > 0)
    problems.push(`${file}: ${passedThrough} pass-through record(s) not shown`);
  const key = 'proxy';
  const tasks: TaskRow[] = episodes.map((t) => ({
    taskId: t.taskId,
    env: t.env,
    task: t.task.replace(/\s+/g, ' ').slice(0, 160),
    runs: [{ arm: key, success: false, reward: 0, steps: t.steps.length, llmCalls: t.usage.calls }],
    pairs: 0,
  }));
  return {
    dir: file,
    tasks,
    taskById: new Map(tasks.map((t) => [t.taskId, t])),
    treeHeaders: new Map(),
    arms: [
      { key, algorithm: 'qguided', n: episodes[0]?.n ?? 0, trajectories: episodes, superseded: [] },
    ],
    pairsByTask: new Map(),
    training: [],
    problems,
  };
}

/** What `stepq view` and the server open: a decision log file, else a run folder. */
export function openRun(path: string): RunFolder {
  if (existsSync(path) && statSync(path).isFile() && isDecisionLog(path))
    return openDecisionLog(path);
  return openRunFolder(path);
}
