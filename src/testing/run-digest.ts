/**
 * The result-bearing content of a `stepq demo` run folder, compact enough to commit: hashes
 * of the trees, pairs and trajectories by content (the fields that carry results, so a
 * format-only change such as dropping a rebuildable field does not count) and the numbers of
 * results.json (wall times left out). The golden demo test and the demo benchmark compare
 * runs by it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPairs, readTreeFolder } from '../data/pairs.js';
import type { TreeNode } from '../data/tree.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with sorted keys, so the hash does not depend on the order fields are written in. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

const sha = (items: readonly unknown[]) =>
  createHash('sha256').update(items.map(canonical).join('\n')).digest('hex').slice(0, 16);

function nodeContent(node: TreeNode): unknown {
  return {
    thought: node.thought,
    action: node.action,
    observation: node.observation,
    reward: node.reward,
    terminal: node.terminal,
    depthLimited: node.depthLimited,
    valid: node.valid,
    depth: node.depth,
    visits: node.visits,
    q: node.q,
    state: node.state,
    info: node.info,
    children: node.children.map(nodeContent),
  };
}

function pick<T extends object>(obj: T, keys: readonly string[]): Record<string, unknown> {
  const o = obj as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

export function runDigest(out: string): Json {
  const { trees, invalid } = readTreeFolder(join(out, 'collect'));
  if (invalid.length > 0) throw new Error(`${out}: unreadable trees: ${JSON.stringify(invalid)}`);
  const pairs = readPairs(join(out, 'pairs.jsonl'));
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const arms = readdirSync(join(out, 'eval')).sort();
  const trajectories: Record<string, string> = {};
  for (const arm of arms) {
    const records = readFileSync(join(out, 'eval', arm, 'trajectories.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
    trajectories[arm] = sha(
      records.map((t) => ({
        ...pick(t, ['taskId', 'algorithm', 'n', 'seed', 'reward', 'success', 'depthLimited']),
        info: t.info,
        usage: t.usage,
        error: t.error,
        // Candidate vote counts are a log of the samples (already in the hash as texts), not a result.
        steps: t.steps.map((s: { candidates: Array<Record<string, unknown>> }) => ({
          ...s,
          candidates: s.candidates.map(({ votes: _v, ...c }) => c),
        })),
      })),
    );
  }
  const summaryKeys = [
    'tasks',
    'successRate',
    'avgReward',
    'f1',
    'errors',
    'llmCalls',
    'promptTokens',
    'completionTokens',
  ];
  return {
    trees: {
      count: trees.length,
      sha: sha(
        trees.map((t) => ({
          taskId: t.taskId,
          bestPath: t.bestPath,
          stats: pick(t.stats, [
            'iterationsRun',
            'stopReason',
            'llmCalls',
            'promptTokens',
            'completionTokens',
            'nodes',
            'rolloutSteps',
            'rolloutSuccesses',
            'solved',
            'bestReward',
          ]),
          root: nodeContent(t.root),
        })),
      ),
    },
    pairs: {
      count: pairs.length,
      sha: sha(
        pairs.map((p) =>
          pick(p, [
            'id',
            'depth',
            'context',
            'prompt',
            'chosen',
            'rejected',
            'chosenQ',
            'rejectedQ',
            'chosenVisits',
            'rejectedVisits',
          ]),
        ),
      ),
    },
    trajectories,
    results: {
      collect: pick(results.collect, [
        'tasks',
        'solved',
        'failed',
        'nodes',
        'pairsAvailable',
        'llmCalls',
        'promptTokens',
        'completionTokens',
      ]),
      pairs: results.pairs,
      training: pick(results.training, [
        'heldOutAccuracy',
        'trainAccuracy',
        'epochs',
        'bestEpoch',
        'heldOutPairs',
      ]),
      arms: results.arms.map((a: { algorithm: string; summary: object; success: object }) => ({
        algorithm: a.algorithm,
        ...pick(a.summary, summaryKeys),
        success: a.success,
      })),
      differences: results.differences,
      uplift: results.uplift,
    } as Json,
  };
}
