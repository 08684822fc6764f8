import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { qModelMessages } from '../agent/conversation.js';
import { writeJsonAtomic } from '../core/fs.js';
import { registerPairs } from '../cli/commands/pairs.js';
import '../search/testkit/toy.js'; // registers the `toy` prompt
import { chatTemplate, scoringTexts, TEMPLATE_NAMES } from '../qmodel/chat-templates.js';
import { buildPairs, pairSelections, readPairs, readTreeFolder, toTrl } from './pairs.js';
import { bestPathOf, countNodes, TREE_FORMAT, type TreeFile, type TreeNode } from './tree.js';

/** A node: q and visits, optional terminal reward, children. */
function n(
  action: string,
  q: number,
  visits: number,
  children: TreeNode[] = [],
  terminalReward?: number,
): TreeNode {
  return {
    text: `Thought: t.\nAction: ${action}`,
    thought: 't.',
    action,
    observation: `after ${action}`,
    reward: terminalReward ?? 0,
    terminal: terminalReward !== undefined,
    depthLimited: false,
    valid: true,
    depth: 0,
    visits,
    q,
    state: null,
    children,
  };
}

function fixDepths(node: TreeNode, depth = 0): TreeNode {
  node.depth = depth;
  node.children.forEach((c) => fixDepths(c, depth + 1));
  return node;
}

function tree(root: TreeNode, taskId = 'task-1'): TreeFile {
  fixDepths(root);
  return {
    format: TREE_FORMAT,
    env: 'toy',
    taskId,
    task: 'Task: reach position 2, then Finish.',
    policy: 'scripted',
    seed: 0,
    maxDepth: 4,
    search: { algorithm: 'mcts', params: { iterations: 10, n: 3, c: 1.41, earlyStop: false } },
    stats: {
      iterationsRun: 10,
      stopReason: 'budget',
      llmCalls: 1,
      promptTokens: 1,
      completionTokens: 1,
      nodes: countNodes(root),
      rolloutSteps: 0,
      rolloutSuccesses: 0,
      wallSeconds: 0,
      solved: true,
      bestReward: 1,
    },
    bestPath: bestPathOf(root),
    root,
  };
}

/** Root with a best path [0, 1]: depth 0 siblings A (0.5), B (-1), C (unvisited); depth 1 siblings under A. */
function sampleTree(): TreeFile {
  const root = n('', 0, 5, [
    n('A', 0.5, 3, [n('A0', -1, 1, [], 0), n('A1', 1, 1, [], 1), n('A2', 0.5, 1)]),
    n('B', -1, 1, [], 0),
    n('C', 0, 0),
  ]);
  return tree(root);
}

test('best path: highest-Q vs lowest-Q visited sibling at each depth of the best path', () => {
  const t = sampleTree();
  assert.deepEqual(t.bestPath, [0, 1]);
  assert.deepEqual(pairSelections(t, { strategy: 'best-path', minGap: 0 }), [
    { path: [], chosen: 0, rejected: 1, gap: 1.5 },
    { path: [0], chosen: 1, rejected: 0, gap: 2 },
  ]);
  const pairs = buildPairs(t, { strategy: 'best-path', minGap: 0 });
  assert.equal(pairs.length, 2);
  const [p0, p1] = pairs as [(typeof pairs)[0], (typeof pairs)[0]];
  assert.equal(p0.id, 'task-1@root');
  assert.equal(p1.id, 'task-1@0');
  assert.deepEqual(
    [p1.chosen, p1.rejected, p1.chosenQ, p1.rejectedQ, p1.depth],
    ['Thought: t.\nAction: A1', 'Thought: t.\nAction: A0', 1, -1, 1],
  );
  assert.deepEqual(p1.context.history, [
    { text: 'Thought: t.\nAction: A', action: 'A', observation: 'after A' },
  ]);
  // The prompt is exactly what the Q-value model is trained and scored on.
  assert.deepEqual(p1.prompt, qModelMessages(p1.context));
  assert.equal(p1.prompt.at(-1)?.content, 'Observation: after A');
  // The TRL record carries the rendered text: prompt + completion is exactly what the scorer
  // tokenises for that candidate, for every template (one renderer for training and scoring).
  for (const name of TEMPLATE_NAMES) {
    const template = chatTemplate(name);
    const trl = toTrl(p1, template);
    const [chosen, rejected] = scoringTexts(template, p1.context, [p1.chosen, p1.rejected]);
    assert.deepEqual(
      [trl.prompt, trl.chosen, trl.rejected],
      [chosen?.scoring.prompt, chosen?.scoring.completion, rejected?.scoring.completion],
      name,
    );
    assert.deepEqual([trl.template, trl.env, trl.taskId, trl.depth], [name, p1.env, p1.taskId, 1]);
  }
  assert.equal(toTrl(p1, chatTemplate('phi3')).chosen, 'Thought: t.\nAction: A1<|end|>');
});

test('best path: ties, single children, min-gap, no success', () => {
  // All visited siblings tie at the root -> skipped; partial tie under A -> first index wins.
  const ties = tree(
    n('', 0, 4, [
      n('A', 0, 3, [n('A0', 1, 1, [], 1), n('A1', 1, 1, [], 1), n('A2', -1, 1, [], 0)]),
      n('B', 0, 1),
    ]),
  );
  assert.deepEqual(pairSelections(ties, { strategy: 'best-path', minGap: 0 }), [
    { path: [0], chosen: 0, rejected: 2, gap: 2 },
  ]);
  // A single (visited) child gives no pair.
  const single = tree(n('', 1, 1, [n('A', 1, 1, [n('A0', 1, 1, [], 1)])]));
  assert.deepEqual(single.bestPath, [0, 0]);
  assert.deepEqual(pairSelections(single, { strategy: 'best-path', minGap: 0 }), []);
  // min-gap drops the small gap (1.5 at the root) and keeps the big one (2).
  assert.deepEqual(
    pairSelections(sampleTree(), { strategy: 'best-path', minGap: 1.6 }).map((s) => s.path),
    [[0]],
  );
  // No success: no best path, no best-path pairs; all-siblings still compares visited siblings.
  const failed = tree(n('', -1, 2, [n('A', -1, 1, [], 0), n('B', -0.5, 1)]));
  assert.equal(failed.bestPath, null);
  assert.deepEqual(pairSelections(failed, { strategy: 'best-path', minGap: 0 }), []);
  assert.deepEqual(pairSelections(failed, { strategy: 'all-siblings', minGap: 0 }), [
    { path: [], chosen: 1, rejected: 0, gap: 0.5 },
  ]);
});

test('all-siblings: every node with two or more visited children of different Q', () => {
  const root = n('', 0, 6, [
    n('A', 0.5, 3, [n('A0', -1, 1, [], 0), n('A1', 1, 1, [], 1)]),
    n('B', -0.5, 3, [n('B0', -0.5, 2), n('B1', -0.5, 1)]),
  ]);
  const sels = pairSelections(tree(root), { strategy: 'all-siblings', minGap: 0 });
  assert.deepEqual(
    sels.map((s) => [s.path, s.chosen, s.rejected]),
    [
      [[], 0, 1],
      [[0], 1, 0],
    ],
  );
});

test('pairs CLI: writes JSONL (stepq and trl), skips invalid tree files by name and says how many', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-pairs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeJsonAtomic(join(dir, 'trees', 'a.json'), sampleTree());
  const broken = { ...sampleTree(), taskId: 'b' } as Record<string, unknown>;
  (broken.root as TreeNode).children[0]!.q = 'high' as unknown as number;
  writeJsonAtomic(join(dir, 'trees', 'b.json'), broken);
  writeFileSync(join(dir, 'trees', 'c.json'), '{ not json');
  const found = readTreeFolder(dir);
  assert.equal(found.trees.length, 1);
  assert.deepEqual(
    found.invalid.map((i) => i.file.split('/').at(-1)),
    ['b.json', 'c.json'],
  );
  assert.match(found.invalid[0]!.error, /b\.json: field root\.children\[0\]\.q/);

  const stdout: string[] = [];
  const stderr: string[] = [];
  // Only our text is captured: the test runner's own (binary) reports pass through.
  const write = process.stdout.write.bind(process.stdout) as (
    chunk: unknown,
    ...rest: unknown[]
  ) => boolean;
  t.mock.method(process.stdout, 'write', (chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' ? (stdout.push(chunk), true) : write(chunk, ...rest),
  );
  t.mock.method(process.stderr, 'write', (s: string) => (stderr.push(s), true));
  const run = async (args: string[]) => {
    const program = new Command().exitOverride();
    registerPairs(program);
    await program.parseAsync(['node', 'stepq', 'pairs', ...args]);
  };
  const out = join(dir, 'pairs.jsonl');
  await run(['--trees', dir, '--out', out, '--json']);
  await run([
    '--trees',
    join(dir, 'trees'),
    '--out',
    join(dir, 'trl.jsonl'),
    '--format',
    'trl',
    '--template',
    'chatml',
    '--json',
  ]);
  t.mock.restoreAll();
  const summary = JSON.parse(stdout[0] as string);
  assert.deepEqual([summary.trees, summary.skippedTrees, summary.pairs], [1, 2, 2]);
  assert.equal(stderr.filter((s) => s.includes('skipped')).length, 4);
  const pairs = readPairs(out);
  assert.deepEqual(
    pairs.map((p) => p.id),
    ['task-1@root', 'task-1@0'],
  );
  const trl = readFileSync(join(dir, 'trl.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(Object.keys(trl[0]), [
    'prompt',
    'chosen',
    'rejected',
    'template',
    'env',
    'taskId',
    'depth',
  ]);
  assert.equal(trl[1].chosen, 'Thought: t.\nAction: A1<|im_end|>');
  assert.equal(trl[1].template, 'chatml');
  assert.ok(trl[1].prompt.endsWith('<|im_end|>\n<|im_start|>assistant\n'));
  assert.equal(JSON.parse(stdout[1] as string).template, 'chatml');
});
