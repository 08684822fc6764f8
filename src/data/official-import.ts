/**
 * Converts trees saved by the official Python code (docs/method.md#saved-trees: the recursive
 * `to_dict()` of the root, one `<task_idx>.json` per task) into stepq tree files.
 * Env states were never saved there (state: null); Q = the official `value`; the stored
 * action strings are re-parsed so the canonical text matches what stepq writes. The best
 * path is recomputed with stepq's rule (bestPathOf), which differs from the official
 * one only in tie-breaks and in never pointing at the root.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { readJsonFile } from '../core/validate.js';
import { parseReply } from '../agent/parse.js';
import {
  bestPathOf,
  countNodes,
  treeFileName,
  TREE_FORMAT,
  walkTree,
  writeTreeFile,
  type TreeFile,
  type TreeNode,
} from './tree.js';

interface OfficialNode {
  state?: { action?: string | null; observation?: string | null; thought?: string | null } | null;
  question?: string | null;
  children?: OfficialNode[] | null;
  visits?: number | null;
  value?: number | null;
  depth?: number | null;
  is_terminal?: boolean | null;
  reward?: number | null;
  em?: number | null;
  messages?: Array<{ role?: string; content?: string; from?: string; value?: string }> | null;
}

const officialMessageSchema = z.looseObject({
  role: z.string().optional(),
  content: z.string().optional(),
  from: z.string().optional(),
  value: z.string().optional(),
});

const officialNodeSchema: z.ZodType<OfficialNode> = z.looseObject({
  state: z
    .looseObject({
      action: z.string().nullish(),
      observation: z.string().nullish(),
      thought: z.string().nullish(),
    })
    .nullish(),
  question: z.string().nullish(),
  // Every node of an official `to_dict()` has these three keys; requiring them is what tells
  // a tree from some other JSON file.
  get children() {
    return z.array(officialNodeSchema).nullable();
  },
  visits: z.number(),
  value: z.number(),
  depth: z.number().int().nullish(),
  is_terminal: z.boolean().nullish(),
  reward: z.number().nullish(),
  em: z.number().nullish(),
  messages: z.array(officialMessageSchema).nullish(),
}) as z.ZodType<OfficialNode>;

/** The official scripts' depth limits (docs/method.md#depth-limits). */
const OFFICIAL_MAX_DEPTH: Record<string, number> = { hotpotqa: 7, webshop: 10 };

function taskTextOf(root: OfficialNode): string {
  const last = root.messages?.at(-1);
  const text = last?.content ?? last?.value;
  if (text) return text;
  return root.question ? `Question: ${root.question}` : '';
}

function convertNode(node: OfficialNode, depth: number, isRoot: boolean, task: string): TreeNode {
  const rawAction = node.state?.action ?? '';
  const step = isRoot ? { text: '', thought: '', action: '' } : parseReply(rawAction);
  const observation = isRoot ? task : (node.state?.observation ?? '');
  const em = node.em;
  return {
    text: step.text,
    thought: step.thought,
    action: step.action,
    observation,
    reward: node.reward ?? 0,
    terminal: node.is_terminal ?? false,
    depthLimited: false,
    valid: !/^invalid action/i.test(observation.trim()),
    depth: node.depth ?? depth,
    visits: Math.max(0, Math.round(node.visits ?? 0)),
    q: node.value ?? 0,
    state: null,
    ...(typeof em === 'number' && !isRoot ? { info: { em } } : {}),
    children: (node.children ?? []).map((c) => convertNode(c, depth + 1, false, task)),
  };
}

/** Converts one parsed official tree. `taskId` is usually the file's base name (the task index). */
export function convertOfficialTree(value: OfficialNode, env: string, taskId: string): TreeFile {
  const task = taskTextOf(value);
  const root = convertNode(value, 0, true, task);
  let maxNodeDepth = 0;
  let widest = 1;
  const terminalRewards: number[] = [];
  for (const { node } of walkTree(root)) {
    maxNodeDepth = Math.max(maxNodeDepth, node.depth);
    widest = Math.max(widest, node.children.length);
    if (node.terminal) terminalRewards.push(node.reward);
  }
  return {
    format: TREE_FORMAT,
    env,
    taskId,
    task,
    policy: 'official',
    seed: 0,
    maxDepth: Math.max(OFFICIAL_MAX_DEPTH[env] ?? 1, maxNodeDepth, 1),
    search: {
      algorithm: 'mcts',
      params: { iterations: 0, n: widest, c: Math.SQRT2, earlyStop: true },
    },
    stats: {
      iterationsRun: 0,
      stopReason: 'imported',
      llmCalls: null,
      promptTokens: null,
      completionTokens: null,
      nodes: countNodes(root),
      rolloutSteps: null,
      rolloutSuccesses: null,
      wallSeconds: null,
      // Both official envs count a success as reward exactly 1 (docs/method.md#early-stop).
      solved: terminalRewards.some((r) => r >= 1),
      bestReward: terminalRewards.length ? Math.max(...terminalRewards) : null,
    },
    bestPath: bestPathOf(root),
    root,
  };
}

export function readOfficialTree(file: string, env: string): TreeFile {
  const value = readJsonFile(file, officialNodeSchema);
  return convertOfficialTree(value, env, basename(file).replace(/\.json$/, ''));
}

export interface ImportResult {
  converted: number;
  invalid: Array<{ file: string; error: string }>;
}

/** Converts every `*.json` of an official tree folder into `<outDir>/trees/`. */
export function importOfficialFolder(dir: string, outDir: string, env: string): ImportResult {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new UserError(
      `${dir}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const result: ImportResult = { converted: 0, invalid: [] };
  for (const name of names) {
    const file = join(dir, name);
    try {
      const tree = readOfficialTree(file, env);
      writeTreeFile(join(outDir, 'trees', treeFileName(tree.taskId)), tree);
      result.converted++;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      result.invalid.push({ file, error: err.message });
    }
  }
  return result;
}
