/**
 * Step-level preference pairs (docs/method.md#preference-pairs) from MCTS trees. At a decision point the
 * sibling with the highest Q (mean backed-up return) is chosen and the one with the
 * lowest Q rejected. Only visited siblings count: an unvisited child has no estimate.
 * The prompt is qModelMessages(context): exactly what the Q-value model is trained and
 * scored on.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { StepContext } from '../core/messages.js';
import { readJsonlFile } from '../core/validate.js';
import { runLayout } from './run-folder.js';
import { qModelMessages } from '../agent/conversation.js';
import type { ChatTemplate } from '../core/chat-template.js';
import {
  contextAt,
  nodesAlong,
  readTreeFile,
  walkTree,
  type TreeFile,
  type TreeNode,
} from './tree.js';

export const PAIR_STRATEGIES = ['best-path', 'all-siblings'] as const;
export type PairStrategy = (typeof PAIR_STRATEGIES)[number];

export interface PairOptions {
  strategy: PairStrategy;
  /** Pairs whose Q gap is below this are dropped (exact ties always are). */
  minGap: number;
}

const messageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
const historyStepSchema = z.object({
  text: z.string(),
  action: z.string(),
  observation: z.string(),
});

export const pairSchema = z.object({
  /** `<taskId>@<index path of the decision node>` ('root' for the root). */
  id: z.string(),
  env: z.string(),
  taskId: z.string(),
  /** Actions taken before this decision. */
  depth: z.number().int().min(0),
  context: z.object({
    env: z.string(),
    taskId: z.string(),
    task: z.string(),
    history: z.array(historyStepSchema),
  }),
  prompt: z.array(messageSchema),
  /** Canonical assistant texts. */
  chosen: z.string(),
  rejected: z.string(),
  chosenQ: z.number(),
  rejectedQ: z.number(),
  chosenVisits: z.number().int().min(0),
  rejectedVisits: z.number().int().min(0),
  /**
   * The policy's votes at this decision: how many of the expansion's samples proposed the
   * chosen and the rejected action, out of `samples` (absent when the tree has no votes).
   */
  chosenVotes: z.number().int().min(0).optional(),
  rejectedVotes: z.number().int().min(0).optional(),
  samples: z.number().int().min(1).optional(),
});

export type Pair = z.infer<typeof pairSchema>;

/** One decision point's pair, as indices, before any text is rendered. */
export interface PairSelection {
  /** Index path of the decision node (the parent of both siblings). */
  path: number[];
  chosen: number;
  rejected: number;
  gap: number;
}

/** Highest-Q and lowest-Q visited child (ties: first), or undefined when no pair is possible. */
export function siblingPair(
  node: TreeNode,
  minGap: number,
): { chosen: number; rejected: number; gap: number } | undefined {
  let hi = -1;
  let lo = -1;
  node.children.forEach((child, i) => {
    if (child.visits === 0) return;
    if (hi < 0 || child.q > (node.children[hi] as TreeNode).q) hi = i;
    if (lo < 0 || child.q < (node.children[lo] as TreeNode).q) lo = i;
  });
  if (hi < 0 || hi === lo) return undefined;
  const gap = (node.children[hi] as TreeNode).q - (node.children[lo] as TreeNode).q;
  if (!(gap > 0) || gap < minGap) return undefined;
  return { chosen: hi, rejected: lo, gap };
}

export function pairSelections(
  tree: Pick<TreeFile, 'root' | 'bestPath'>,
  options: PairOptions,
): PairSelection[] {
  const out: PairSelection[] = [];
  if (options.strategy === 'best-path') {
    // The method: one pair per depth along the best path; no best path, no pairs.
    const path = tree.bestPath ?? [];
    const nodes = tree.bestPath ? nodesAlong(tree.root, path) : [];
    for (let d = 0; d < path.length; d++) {
      const pair = siblingPair(nodes[d] as TreeNode, options.minGap);
      if (pair) out.push({ path: path.slice(0, d), ...pair });
    }
    return out;
  }
  for (const { node, path } of walkTree(tree.root)) {
    const pair = siblingPair(node, options.minGap);
    if (pair) out.push({ path, ...pair });
  }
  return out;
}

function votesOf(
  parent: TreeNode,
  chosen: TreeNode,
  rejected: TreeNode,
): { chosenVotes?: number; rejectedVotes?: number; samples?: number } {
  if (!parent.children.every((c) => typeof c.votes === 'number')) return {};
  const samples = parent.children.reduce((sum, c) => sum + (c.votes as number), 0);
  if (samples < 1) return {};
  return {
    chosenVotes: chosen.votes as number,
    rejectedVotes: rejected.votes as number,
    samples,
  };
}

export function buildPairs(tree: TreeFile, options: PairOptions): Pair[] {
  return pairSelections(tree, options).map((sel) => {
    const context: StepContext = contextAt(tree, sel.path);
    const parent = nodesAlong(tree.root, sel.path).at(-1) as TreeNode;
    const chosen = parent.children[sel.chosen] as TreeNode;
    const rejected = parent.children[sel.rejected] as TreeNode;
    return {
      id: `${tree.taskId}@${sel.path.length ? sel.path.join('.') : 'root'}`,
      env: tree.env,
      taskId: tree.taskId,
      depth: sel.path.length,
      context: { ...context, history: [...context.history] },
      prompt: qModelMessages(context),
      chosen: chosen.text,
      rejected: rejected.text,
      chosenQ: chosen.q,
      rejectedQ: rejected.q,
      chosenVisits: chosen.visits,
      rejectedVisits: rejected.visits,
      ...votesOf(parent, chosen, rejected),
    };
  });
}

/**
 * TRL's standard (non-conversational) preference record, rendered by stepq's one renderer
 * (docs/llm-qmodel-contract.md §1): `prompt + chosen` is exactly the text the `llm:` /
 * `gguf:` scorers tokenise, so no chat template is applied on the Python side. The extra
 * fields are ignored by TRL and checked by the training recipe.
 */
export interface TrlPreference {
  prompt: string;
  chosen: string;
  rejected: string;
  template: string;
  env: string;
  taskId: string;
  depth: number;
}

export function toTrl(pair: Pair, template: ChatTemplate): TrlPreference {
  return {
    prompt: template.renderPrompt(pair.prompt),
    chosen: template.renderCompletion(pair.chosen),
    rejected: template.renderCompletion(pair.rejected),
    template: template.name,
    env: pair.env,
    taskId: pair.taskId,
    depth: pair.depth,
  };
}

export function readPairs(file: string): Pair[] {
  return readJsonlFile(file, pairSchema);
}

export interface TreeFolderResult {
  trees: TreeFile[];
  /** Files that failed validation, with the reason (file, line, field). */
  invalid: Array<{ file: string; error: string }>;
}

/** Reads every `*.json` tree in a folder (or its `trees/` subfolder), sorted by name. */
export function readTreeFolder(dir: string): TreeFolderResult {
  let folder = dir;
  let names: string[];
  try {
    names = readdirSync(folder);
    // A collect folder holds its trees in trees/ (beside its stepq-run.json record).
    if (names.includes('trees') && statSync(runLayout.trees(dir)).isDirectory()) {
      folder = runLayout.trees(dir);
      names = readdirSync(folder);
    }
  } catch (err) {
    throw new UserError(
      `${dir}: cannot list the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const result: TreeFolderResult = { trees: [], invalid: [] };
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(folder, name);
    try {
      result.trees.push(readTreeFile(file));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      result.invalid.push({ file, error: err.message });
    }
  }
  return result;
}
