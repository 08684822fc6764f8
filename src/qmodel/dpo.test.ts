import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dpoLoss } from './dpo.js';
import { Adam } from './adam.js';
import { initParams, QNet } from './network.js';
import { Rng } from '../core/rng.js';
import type { SparseVector } from './featurizer.js';

test('DPO loss: -log sigmoid(beta m), and its derivative matches finite differences', () => {
  assert.ok(Math.abs(dpoLoss(0, 1).loss - Math.log(2)) < 1e-12);
  assert.ok(Math.abs(dpoLoss(2, 0.5).loss - -Math.log(1 / (1 + Math.exp(-1)))) < 1e-12);
  // Stable far out in both tails.
  assert.ok(Math.abs(dpoLoss(-1000, 1).loss - 1000) < 1e-9);
  assert.ok(dpoLoss(1000, 1).loss >= 0 && dpoLoss(1000, 1).loss < 1e-300 + 1e-12);
  const h = 1e-6;
  for (const beta of [0.05, 1, 3]) {
    for (const m of [-4, -0.3, 0, 0.7, 5]) {
      const numeric = (dpoLoss(m + h, beta).loss - dpoLoss(m - h, beta).loss) / (2 * h);
      assert.ok(
        Math.abs(numeric - dpoLoss(m, beta).dMargin) < 1e-7,
        `beta ${beta} m ${m}: ${numeric} vs ${dpoLoss(m, beta).dMargin}`,
      );
    }
  }
});

function randomSparse(rng: Rng, inputs: number, n: number): SparseVector {
  const idx = new Int32Array(n);
  const val = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    idx[k] = rng.int(inputs);
    val[k] = rng.next() * 2 - 1;
  }
  idx[n - 1] = idx[0] as number; // a repeated slot must add up
  return { idx, val };
}

test('the pair loss gradient through the Q-network matches finite differences for every parameter', () => {
  const rng = new Rng(5);
  const shape = { inputs: 24, hidden: 5 };
  const params = initParams(shape, rng, 'float64');
  // Give the linear weights and hidden biases non-zero values so every block is exercised.
  for (let i = 0; i < params.length; i++)
    params[i] = (params[i] as number) + (rng.next() - 0.5) * 0.2;
  const net = new QNet(shape, params);
  const chosen = randomSparse(rng, shape.inputs, 7);
  const rejected = randomSparse(rng, shape.inputs, 6);
  const beta = 0.7;
  const loss = () => dpoLoss(net.forward(chosen) - net.forward(rejected), beta).loss;

  const grad = new Float64Array(params.length);
  const pc = net.newActivations();
  const pr = net.newActivations();
  const margin = net.forward(chosen, pc) - net.forward(rejected, pr);
  const { dMargin } = dpoLoss(margin, beta);
  net.backward(chosen, dMargin, grad, pc);
  net.backward(rejected, -dMargin, grad, pr);

  const h = 1e-6;
  let checked = 0;
  for (let i = 0; i < params.length; i++) {
    const saved = params[i] as number;
    params[i] = saved + h;
    const up = loss();
    params[i] = saved - h;
    const down = loss();
    params[i] = saved;
    const numeric = (up - down) / (2 * h);
    assert.ok(
      Math.abs(numeric - (grad[i] as number)) < 1e-6,
      `param ${i}: numeric ${numeric} vs analytic ${grad[i]}`,
    );
    if (grad[i] !== 0) checked++;
  }
  assert.ok(checked > 20, `only ${checked} parameters had a gradient`);
});

test('Adam: the first step moves each parameter by lr against its gradient sign; L2 pulls towards 0', () => {
  const params = new Float64Array([1, -2, 0.5, 3]);
  const grad = new Float64Array([0.3, -5, 0, 0]);
  const adam = new Adam(4, { lr: 0.01 });
  adam.step(params, grad, 0);
  assert.ok(Math.abs((params[0] as number) - 0.99) < 1e-6);
  assert.ok(Math.abs((params[1] as number) - -1.99) < 1e-6);
  assert.equal(params[2], 0.5);
  assert.deepEqual([...grad], [0, 0, 0, 0], 'the step consumes the gradient');
  adam.step(params, grad, 0.1);
  assert.ok((params[3] as number) < 3, 'L2 shrinks a weight with no data gradient');
});
