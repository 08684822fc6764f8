import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY_SETTINGS, POLICY_SETTINGS } from '../agent/policy-settings.js';
import { PIPELINE_SETTINGS } from '../eval/pipeline-settings.js';
import { EVAL_SETTINGS } from '../eval/settings.js';
import {
  registerDecisionRule,
  unregisterDecisionRule,
  BUILTIN_RULES,
} from '../eval/decision/index.js';
import { TRAIN_SETTINGS } from '../qmodel/train-settings.js';
import { DEFAULT_TRAIN_OPTIONS } from '../qmodel/train.js';
import { SEARCH_SETTINGS } from '../search/settings.js';
import { choice, defaultsOf, int, num, OptionError, resolveSettings, str } from './settings.js';

const group = {
  n: int({ default: 5, min: 2, help: 'candidates' }),
  lr: num({ default: 0.1, above: 0, help: 'rate' }),
  depth: int({ min: 1, help: 'depth (default: the env)' }),
  name: str({ help: 'a name' }),
};

test('a group gives its defaults, fills a partial option object and checks every value', () => {
  assert.deepEqual(defaultsOf(group), { n: 5, lr: 0.1, depth: undefined, name: undefined });
  assert.deepEqual(resolveSettings(group, { n: 3, extra: 'kept' }), {
    n: 3,
    lr: 0.1,
    depth: undefined,
    name: undefined,
    extra: 'kept',
  });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ n: 1 }, /^options\.n 1: must be a whole number >= 2$/],
    [{ n: 2.5 }, /^options\.n 2\.5: must be a whole number >= 2$/],
    [{ lr: 0 }, /^options\.lr 0: must be a number > 0$/],
    [{ lr: Number.NaN }, /^options\.lr NaN: must be a number > 0$/],
    [{ name: '' }, /^options\.name : must not be empty$/],
    [{ depth: '3' }, /^options\.depth 3: must be a whole number >= 1$/],
  ];
  for (const [input, message] of cases)
    assert.throws(
      () => resolveSettings(group, input),
      (e: unknown) => e instanceof OptionError && message.test(e.message),
      JSON.stringify(input),
    );
});

test('an option error names the field for a library caller and renders flags for the CLI', () => {
  const err = new OptionError(
    'holdout',
    'too few tasks; use {{holdout}} 0 or raise {{minGap}}',
    '0.2',
  );
  assert.equal(
    err.message,
    'options.holdout 0.2: too few tasks; use options.holdout 0 or raise options.minGap',
  );
  const flag = (f: string) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  assert.equal(
    err.render(flag),
    '--holdout 0.2: too few tasks; use --holdout 0 or raise --min-gap',
  );
});

test('a choice over an open registry sees names registered later', (t) => {
  const rules = () => ['a', 'b'] as string[];
  const s = choice(rules, { default: 'a', help: 'rule' });
  assert.deepEqual(s.choices, ['a', 'b']);
  assert.equal(s.schema.safeParse('c').success, false);
  const greedy = BUILTIN_RULES.find((r) => r.name === 'greedy');
  assert.ok(greedy);
  registerDecisionRule({ ...greedy, name: 'settings-test-rule' });
  t.after(() => unregisterDecisionRule('settings-test-rule'));
  assert.ok(EVAL_SETTINGS.algorithm.choices?.includes('settings-test-rule'));
  assert.equal(
    resolveSettings(EVAL_SETTINGS, { algorithm: 'settings-test-rule' }).algorithm,
    'settings-test-rule',
  );
});

test('the pipeline composes search, pair, train and eval settings, one description each', () => {
  for (const key of Object.keys(SEARCH_SETTINGS)) assert.ok(key in PIPELINE_SETTINGS, key);
  for (const key of Object.keys(TRAIN_SETTINGS)) assert.ok(key in PIPELINE_SETTINGS, key);
  for (const key of ['c', 'earlyStop', 'pairStrategy', 'minGap', 'dimBits', 'folds', 'concurrency'])
    assert.ok(key in PIPELINE_SETTINGS, key);
  // The same description object, not a copy that could drift.
  assert.equal(PIPELINE_SETTINGS.c, SEARCH_SETTINGS.c);
  assert.equal(PIPELINE_SETTINGS.lr, TRAIN_SETTINGS.lr);
  assert.equal(PIPELINE_SETTINGS.n.min, SEARCH_SETTINGS.n.min);
  assert.equal(PIPELINE_SETTINGS.c.default, 1.41);
});

test('library defaults are exported: policy and training', () => {
  assert.deepEqual(DEFAULT_POLICY_SETTINGS, {
    temperature: 1,
    topP: 0.9,
    maxTokens: 256,
    concurrency: 8,
    timeoutMs: 60_000,
    maxRetries: 4,
  });
  assert.deepEqual(Object.keys(DEFAULT_POLICY_SETTINGS), Object.keys(POLICY_SETTINGS));
  assert.equal(DEFAULT_TRAIN_OPTIONS.epochs, TRAIN_SETTINGS.epochs.default);
});
