import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../core/rng.js';
import type { QModel } from '../core/qmodel.js';
import { getDecisionRule } from '../eval/decision/index.js';
import { DEFAULT_FEATURIZER } from './featurizer.js';
import { LearnedQModel } from './learned.js';
import { initParams, type NetShape } from './network.js';
import {
  fitDecisionMix,
  logVote,
  MIN_MIX_PAIRS,
  type DecisionMix,
  type MarginPair,
} from './prior-mix.js';
import { loadLearnedQModel, saveQModel } from './store.js';
import { syntheticPairs } from './synthetic.js';
import { trainQModel } from './train.js';

const context = { env: 'toy', taskId: 't', task: 'Question: which one?', history: [] };
const featurizer = { ...DEFAULT_FEATURIZER, dimBits: 10 };
const shape: NetShape = { inputs: 1 << featurizer.dimBits, hidden: 4 };

function modelWith(decision: DecisionMix, seed = 1): LearnedQModel {
  return new LearnedQModel('test', featurizer, shape, initParams(shape, new Rng(seed)), decision);
}

const priorOnly = fitDecisionMix([], true);

/** A Q-value model that knows the answer: Q = 10 for the candidate naming "right". */
const oracle: QModel = {
  name: 'oracle',
  async score(_ctx, candidates) {
    return candidates.map((c) => (c.includes('right') ? 10 : 0));
  },
};

test('with no or weak held-out evidence the model is prior-only and decides exactly as majority', async () => {
  assert.equal(priorOnly.regime, 'prior-only');
  assert.match(priorOnly.evidence.reason, /too few/);
  const model = modelWith(priorOnly);
  const qguided = getDecisionRule('qguided');
  const majority = getDecisionRule('majority');
  const draw = new Rng(5);
  for (let trial = 0; trial < 300; trial++) {
    const k = 1 + draw.int(5);
    const candidates = Array.from({ length: k }, (_, i) => `Thought: t${i}\nAction: Search[c${i}]`);
    const sourceOf = Array.from({ length: 5 }, (_, i) => (i < k ? i : draw.int(k)));
    const votes = candidates.map((_, i) => sourceOf.filter((j) => j === i).length);
    const input = { context, candidates, sourceOf, votes };
    const a = await qguided.decide({ ...input, rng: new Rng(trial), qmodel: model });
    const b = await majority.decide({ ...input, rng: new Rng(trial) });
    assert.equal(a.chosen, b.chosen, `votes ${votes}`);
  }
});

test('a prior with ties: only the tied leaders are picked, seeded, each of them sometimes', async () => {
  const model = modelWith(priorOnly);
  const qguided = getDecisionRule('qguided');
  const candidates = [
    'Thought: a\nAction: Search[a]',
    'Thought: b\nAction: Search[b]',
    'Thought: c\nAction: Search[c]',
  ];
  const votes = [1, 2, 2];
  const picks = new Set<number>();
  for (let seed = 0; seed < 40; seed++) {
    const input = { context, candidates, sourceOf: [0, 1, 1, 2, 2], votes, qmodel: model };
    const d1 = await qguided.decide({ ...input, rng: new Rng(seed) });
    const d2 = await qguided.decide({ ...input, rng: new Rng(seed) });
    assert.equal(d1.chosen, d2.chosen, 'seeded');
    picks.add(d1.chosen);
  }
  assert.deepEqual([...picks].sort(), [1, 2]);
});

/** Held-out margins where Q says who wins and the votes are noise. */
function strongQ(n: number, seed: number): MarginPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({
    dq: 0.5 + rng.next(),
    dp: logVote(1 + rng.int(4)) - logVote(1 + rng.int(4)),
  }));
}

test('strong held-out evidence gives a mixed model, and Q then overrides the majority', async () => {
  const mix = fitDecisionMix(strongQ(200, 1), true);
  assert.equal(mix.regime, 'mixed', mix.evidence.reason);
  assert.ok(mix.qWeight > 0);
  assert.ok(mix.evidence.likelihoodRatio! > 3.84);
  // The policy votes 4 to 1 for the wrong answer; the model knows better.
  const scores = await oracle.score(context, ['wrong', 'right']);
  const combined = scores.map(
    (q, i) => mix.qWeight * q + mix.priorWeight * logVote([4, 1][i] as number),
  );
  assert.ok((combined[1] as number) > (combined[0] as number));
});

test('Q that does not predict the held-out winners leaves the prior in charge', () => {
  const rng = new Rng(2);
  // Votes predict the winner; Q is noise.
  const pairs = Array.from({ length: 300 }, () => ({
    dq: rng.next() - 0.5,
    dp: logVote(3 + rng.int(2)) - logVote(rng.int(2)),
  }));
  const mix = fitDecisionMix(pairs, true);
  assert.equal(mix.regime, 'prior-only', mix.evidence.reason);
  assert.equal(mix.qWeight, 0);
  // Fewer held-out pairs than the minimum: prior-only however good Q looks.
  assert.equal(fitDecisionMix(strongQ(MIN_MIX_PAIRS - 1, 3), true).regime, 'prior-only');
  // No votes in the data: Q alone.
  assert.equal(fitDecisionMix(strongQ(100, 4), false).regime, 'q-only');
});

test('train fits the regime on out-of-fold pairs and saves it with the model', () => {
  // Synthetic pairs whose chosen step the policy also voted for more often.
  const rng = new Rng(9);
  const pairs = syntheticPairs({ pairs: 240, tasks: 40, seed: 7 }).map((p) => ({
    ...p,
    votes: { chosen: 2 + rng.int(3), rejected: rng.int(2) + 1, samples: 5 },
  }));
  const result = trainQModel(pairs, {
    hidden: 4,
    featurizer: { ...DEFAULT_FEATURIZER, dimBits: 12 },
    epochs: 4,
    members: 3,
    seed: 1,
  });
  assert.equal(result.members.length, 3);
  assert.equal(result.counts.heldOutPairs, 240, 'every pair is out of fold once');
  assert.ok(['mixed', 'prior-only'].includes(result.decision.regime));
  assert.ok(result.evaluation.reportPairs > 0 && result.evaluation.selectionPairs > 0);
  assert.equal(result.evaluation.reportPairs + result.evaluation.selectionPairs, 240);
  const dir = mkdtempSync(join(tmpdir(), 'stepq-mix-'));
  try {
    saveQModel(dir, result);
    const loaded = loadLearnedQModel(dir);
    assert.deepEqual(loaded.decision, result.decision);
    assert.equal(loaded.nets.length, 3);
    const p = pairs[0]!;
    const votes = [3, 1];
    assert.deepEqual(
      loaded.scoreSync(p.context, [p.chosen, p.rejected], { votes }),
      result.model.scoreSync(p.context, [p.chosen, p.rejected], { votes }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
