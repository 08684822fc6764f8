import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import {
  decisionRuleNames,
  getDecisionRule,
  registerDecisionRule,
  unregisterDecisionRule,
  ruleOrder,
  type DecisionRule,
} from './index.js';

const context = { env: 'toy', taskId: 't', task: 'q', history: [] };

test('the built-in rules are registered once, in a fixed order', () => {
  const names = decisionRuleNames();
  for (const name of ['greedy', 'best-of-n-random', 'majority', 'qguided'])
    assert.ok(names.includes(name));
  assert.equal(new Set(names).size, names.length);
  assert.ok(ruleOrder('greedy') < ruleOrder('qguided'));
  assert.equal(ruleOrder('not-a-rule'), Number.MAX_SAFE_INTEGER);
  assert.equal(getDecisionRule('greedy').samples(5), 1);
  assert.equal(getDecisionRule('best-of-n-random').samples(5), 5);
  assert.equal(getDecisionRule('qguided').needsQModel, true);
});

test('an unknown rule is a user error naming the known ones', () => {
  assert.throws(
    () => getDecisionRule('bogus'),
    (err: unknown) => err instanceof UserError && /known: greedy/.test(err.message),
  );
});

test('a rule registered from outside is found by name; names are unique and well formed', async (t) => {
  const last: DecisionRule = {
    name: 'last-sample',
    summary: 'the last distinct candidate',
    needsQModel: false,
    samples: (n) => n,
    decide: ({ candidates }) => ({ chosen: candidates.length - 1 }),
  };
  registerDecisionRule(last);
  t.after(() => unregisterDecisionRule('last-sample'));
  assert.equal(decisionRuleNames().at(-1), 'last-sample');
  const decision = await getDecisionRule('last-sample').decide({
    context,
    candidates: ['a', 'b', 'c'],
    sourceOf: [0, 1, 2],
    votes: [1, 1, 1],
    rng: new Rng(1),
  });
  assert.equal(decision.chosen, 2);
  assert.throws(() => registerDecisionRule(last), /already registered/);
  assert.throws(() => registerDecisionRule({ ...last, name: 'Bad Name' }), /use \[a-z0-9-\]/);
});

test('best-of-n-random picks among raw samples, so a duplicated action is twice as likely', () => {
  const rule = getDecisionRule('best-of-n-random');
  const counts = [0, 0];
  const rng = new Rng(3);
  for (let i = 0; i < 3000; i++) {
    const d = rule.decide({
      context,
      candidates: ['a', 'b'],
      sourceOf: [0, 0, 1],
      votes: [2, 1],
      rng,
    }) as { chosen: number };
    counts[d.chosen] = (counts[d.chosen] as number) + 1;
  }
  assert.ok(Math.abs((counts[0] as number) / 3000 - 2 / 3) < 0.04, `counts ${counts}`);
});
