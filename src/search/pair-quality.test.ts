import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mcts } from './mcts.js';
import { monteCarloValue, pairAgreement } from './pair-quality.js';
import { createScriptedPolicy, createToyEnv } from './testkit/toy.js';

test('pairAgreement: Monte Carlo re-estimates from stored states mostly agree with the tree on the toy env', async () => {
  const env = createToyEnv({ maxDepth: 4 });
  const policy = createScriptedPolicy();
  const tree = await new Mcts(
    { env, policy },
    { iterations: 30, n: 4, c: 1.41, maxDepth: 4, earlyStop: false, seed: 7 },
  ).search('t2');
  // A terminal node's value is its own return; no rollouts needed.
  const terminal = tree.root.children.findIndex((c) => c.terminal);
  assert.ok(terminal >= 0);
  const steps = env.steps;
  assert.equal(await monteCarloValue(env, policy, tree, [terminal], 5, 0), -1);
  assert.equal(env.steps, steps);
  const result = await pairAgreement(env, policy, [tree], {
    strategy: 'all-siblings',
    minGap: 0,
    rollouts: 10,
    seed: 1,
  });
  assert.ok(result.pairs >= 3);
  assert.equal(result.agree + result.ties + result.disagree, result.pairs);
  assert.ok(result.agree > result.disagree, JSON.stringify(result));
});
