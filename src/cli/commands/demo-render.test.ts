import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PipelineResult } from '../../eval/pipeline.js';
import { renderResult } from './demo.js';

const interval = (mean: number, low: number, high: number) => ({ mean, low, high });
const arm = (algorithm: string, mean: number) => ({
  algorithm,
  success: interval(mean, mean - 0.1, mean + 0.1),
  summary: { avgReward: mean, llmCalls: 100, promptTokens: 1000, completionTokens: 50 },
});

function result(env: string, diffLow: number): PipelineResult {
  return {
    env,
    source: 'builtin',
    policy: 'heuristic',
    folds: 1,
    trainTasks: 40,
    testTasks: 60,
    arms: [arm('greedy', 0.3), arm('qguided', 0.35)],
    differences: [{ versus: 'greedy', diff: interval(0.05, diffLow, 0.15) }],
    uplift: interval(1.1, 0.9, 1.3),
    wallSeconds: 1,
  } as unknown as PipelineResult;
}

test('the demo table says what success is, that heuristic token counts are estimates, and when n is too small', () => {
  const hotpot = renderResult(result('hotpotqa', -0.05), true);
  assert.match(hotpot, /success: the answer matches the gold answer exactly \(EM = 1/);
  assert.match(hotpot, /tokens \(estimated\)/);
  assert.match(hotpot, /tokens: estimated for the heuristic policy/);
  assert.match(hotpot, /includes zero: 60 test tasks cannot show a difference there \(--quick/);
  const shop = renderResult(result('webshop', 0.01), false);
  assert.match(shop, /success: reward = 1/);
  assert.doesNotMatch(shop, /includes zero/);
});
