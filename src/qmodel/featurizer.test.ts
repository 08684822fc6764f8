import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_FEATURIZER,
  featurizeCandidates,
  hashFeature,
  type SparseVector,
} from './featurizer.js';
import { looksLikeFailure, splitCommand } from './text-features.js';
import type { StepContext } from '../core/messages.js';

const cfg = DEFAULT_FEATURIZER;

function valueOf(x: SparseVector, name: string): number {
  const { slot, sign } = hashFeature(name, cfg.dimBits);
  let v = 0;
  for (let k = 0; k < x.idx.length; k++) if (x.idx[k] === slot) v += (x.val[k] as number) * sign;
  return v;
}

const ctx: StepContext = {
  env: 'anything',
  taskId: 't',
  task: 'Question: Which river flows through the capital of Hungary?',
  history: [
    {
      text: 'Thought: I should look up Hungary.\nAction: Search[Hungary]',
      action: 'Search[Hungary]',
      observation:
        'Hungary is a country in Central Europe. Its capital Budapest lies on the Danube.',
    },
  ],
};

test('grounding, repetition and sequencing features read only the text', () => {
  const [grounded, repeated, madeUp] = featurizeCandidates(
    ctx,
    [
      'Thought: The capital is Budapest, on the Danube.\nAction: Finish[Danube]',
      'Thought: Search again.\nAction: Search[Hungary]',
      'Thought: Maybe this.\nAction: Search[zzyzx quux]',
    ],
    cfg,
  ) as [SparseVector, SparseVector, SparseVector];
  assert.equal(valueOf(grounded, 'arg_in_last_obs'), 1);
  assert.equal(valueOf(grounded, 'v=finish|arg_phrase_in_last_obs'), 1);
  assert.equal(valueOf(grounded, 'arg_from_obs_not_task'), 1);
  assert.equal(valueOf(grounded, 'v=finish|lv=search'), 1);
  assert.equal(valueOf(repeated, 'v=search|repeat=1'), 1);
  assert.equal(valueOf(repeated, 'v=search|repeat_last=1'), 1);
  assert.equal(valueOf(repeated, 'arg_in_task'), 1);
  assert.equal(valueOf(madeUp, 'arg_in_task'), 0);
  assert.equal(valueOf(madeUp, 'v=search|repeat=0'), 1);
  for (const x of [grounded, repeated, madeUp]) {
    assert.ok(x.idx.every((i) => i >= 0 && i < 1 << cfg.dimBits));
    assert.ok(x.val.every((v) => Number.isFinite(v)));
  }
});

test('features are a pure function of the text; an unparseable reply gets the `none` verb', () => {
  const a = featurizeCandidates(ctx, ['Thought: x\nAction: Lookup[river]'], cfg);
  const b = featurizeCandidates(structuredClone(ctx), ['Thought: x\nAction: Lookup[river]'], cfg);
  assert.deepEqual(a, b);
  const [none] = featurizeCandidates(ctx, ['I am not sure what to do.'], cfg) as [SparseVector];
  assert.equal(valueOf(none, 'v=none'), 1);
});

test('text helpers: failure phrasing and command split', () => {
  assert.ok(looksLikeFailure('Invalid action!'));
  assert.ok(looksLikeFailure('Could not find Foo. Similar: [...]'));
  assert.ok(!looksLikeFailure('Budapest is the capital of Hungary.'));
  assert.deepEqual(splitCommand('Search[ a b ]'), { verb: 'search', arg: 'a b' });
  assert.deepEqual(splitCommand('click[Buy Now'), { verb: 'click', arg: 'Buy Now' });
});
