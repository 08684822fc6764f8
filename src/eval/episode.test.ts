import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import type { QModel } from '../core/qmodel.js';
import { registerEnv, unregisterEnv } from '../core/registry.js';
import { runEpisode } from './episode.js';
import { runEval } from './run.js';
import { pairedBootstrap } from './stats.js';

// Registered for this file only: tests in the same process list every registered env.
after(() => unregisterEnv('toy-answer'));
registerEnv({
  name: 'toy-answer',
  description: 'answer right or wrong',
  maxDepth: 3,
  returns: { terminal: (r) => (r === 1 ? 1 : -1), depthLimit: -1, isSuccess: (r) => r === 1 },
  prompt: { instruction: 'Toy.', fewShot: [], formatObservation: (o) => `Observation: ${o}` },
  data: { default: 'builtin:toy-answer', accepted: ['builtin:toy-answer'] },
  create: async () => ({
    env: toyEnv() as Env,
    tasks: { ids: ['a', 'b'], splits: {} },
    source: 'toy-answer',
  }),
});

/** Answer "right" finishes with reward 1; "wrong" with 0; Look[] is a no-op step. */
function toyEnv(): Env<{ looks: number }> & { steps: string[] } {
  const steps: string[] = [];
  return {
    name: 'toy-answer',
    maxDepth: 3,
    returns: { terminal: (r) => (r === 1 ? 1 : -1), depthLimit: -1, isSuccess: (r) => r === 1 },
    steps,
    async reset(taskId) {
      return { state: { looks: 0 }, observation: `Question: task ${taskId}` };
    },
    async step(state, action) {
      steps.push(action);
      if (action === 'Finish[right]')
        return { state, observation: 'done', reward: 1, done: true, valid: true, info: { f1: 1 } };
      if (action === 'Finish[wrong]')
        return { state, observation: 'done', reward: 0, done: true, valid: true, info: { f1: 0 } };
      if (action === 'Look[]')
        return {
          state: { looks: state.looks + 1 },
          observation: 'nothing',
          reward: 0,
          done: false,
          valid: true,
        };
      return {
        state,
        observation: `Invalid action: ${action}`,
        reward: 0,
        done: false,
        valid: false,
      };
    },
  };
}

const scripted: Policy = {
  name: 'scripted',
  async propose(_messages, n) {
    const all = [
      'Thought: a\nAction: Finish[wrong]',
      'Thought: a2\nAction: finish[ wrong ]',
      'Thought: b\nAction: Finish[right]',
      'Thought: c\nAction: Look[]',
    ];
    return {
      candidates: all.slice(0, n),
      usage: { calls: 1, promptTokens: 10, completionTokens: 5 },
    };
  },
};

const prefersRight: QModel = {
  name: 'prefers-right',
  async score(_ctx, candidates) {
    return candidates.map((c) => (c.includes('right') ? 1 : 0));
  },
};

test('greedy executes the single sampled action', async () => {
  const env = toyEnv();
  const t = await runEpisode('0', {
    env,
    policy: scripted,
    algorithm: 'greedy',
    n: 5,
    maxDepth: 3,
    seed: 1,
  });
  assert.equal(t.success, false);
  assert.deepEqual(env.steps, ['Finish[wrong]']);
  assert.equal(t.steps[0]?.candidates.length, 1);
});

test('qguided scores distinct candidates and executes only the best one', async () => {
  const env = toyEnv();
  const t = await runEpisode('0', {
    env,
    policy: scripted,
    algorithm: 'qguided',
    n: 4,
    qmodel: prefersRight,
    maxDepth: 3,
    seed: 1,
  });
  assert.equal(t.success, true);
  assert.deepEqual(env.steps, ['Finish[right]'], 'unchosen candidates are never executed');
  const step = t.steps[0]!;
  assert.equal(step.candidates.length, 3, 'the duplicate Finish[wrong] is removed');
  assert.deepEqual(
    step.candidates.map((c) => c.q),
    [0, 1, 0],
  );
  assert.equal(step.chosen, 1);
  assert.deepEqual(t.usage, { calls: 1, promptTokens: 10, completionTokens: 5 });
});

test('majority executes the action proposed most often and logs the votes', async () => {
  const env = toyEnv();
  const t = await runEpisode('0', {
    env,
    policy: scripted,
    algorithm: 'majority',
    n: 4,
    maxDepth: 3,
    seed: 1,
  });
  const step = t.steps[0]!;
  assert.deepEqual(
    step.candidates.map((c) => c.votes),
    [2, 1, 1],
    'Finish[wrong] was proposed twice (two spellings of one action)',
  );
  assert.equal(step.chosen, 0);
  assert.deepEqual(env.steps, ['Finish[wrong]']);
});

test('majority breaks ties with the seeded rng, reproducibly', async () => {
  // Two samples, two distinct actions: every step is a tie.
  const twoWay: Policy = {
    name: 'two-way',
    async propose() {
      return {
        candidates: ['Thought: a\nAction: Finish[wrong]', 'Thought: b\nAction: Finish[right]'],
        usage: { calls: 1, promptTokens: 0, completionTokens: 0 },
      };
    },
  };
  const picks = async (seed: number) => {
    const out: number[] = [];
    for (let task = 0; task < 40; task++) {
      const t = await runEpisode(String(task), {
        env: toyEnv(),
        policy: twoWay,
        algorithm: 'majority',
        n: 2,
        maxDepth: 3,
        seed,
      });
      out.push(t.steps[0]!.chosen);
    }
    return out;
  };
  const a = await picks(7);
  assert.deepEqual(await picks(7), a);
  assert.ok(a.includes(0) && a.includes(1), 'both tied actions get picked');
});

test('best-of-n-random is seeded and reproducible', async () => {
  const picks = async (seed: number) => {
    const out: string[] = [];
    for (let task = 0; task < 20; task++) {
      const t = await runEpisode(String(task), {
        env: toyEnv(),
        policy: scripted,
        algorithm: 'best-of-n-random',
        n: 4,
        maxDepth: 3,
        seed,
      });
      out.push(t.steps.map((s) => s.chosen).join(','));
    }
    return out.join(' ');
  };
  assert.equal(await picks(7), await picks(7));
  assert.notEqual(await picks(7), await picks(8));
});

test('the depth limit ends an episode as a failure', async () => {
  const looker: Policy = {
    name: 'looker',
    propose: async () => ({
      candidates: ['Thought: x\nAction: Look[]'],
      usage: { calls: 1, promptTokens: 0, completionTokens: 0 },
    }),
  };
  const t = await runEpisode('0', {
    env: toyEnv(),
    policy: looker,
    algorithm: 'greedy',
    n: 1,
    maxDepth: 3,
    seed: 0,
  });
  assert.equal(t.steps.length, 3);
  assert.equal(t.depthLimited, true);
  assert.equal(t.success, false);
});

test('a policy error is recorded on the trajectory, not thrown', async () => {
  const broken: Policy = {
    name: 'broken',
    propose: async () => {
      throw new Error('server said 500');
    },
  };
  const t = await runEpisode('0', {
    env: toyEnv(),
    policy: broken,
    algorithm: 'greedy',
    n: 1,
    maxDepth: 3,
    seed: 0,
  });
  assert.equal(t.error, 'server said 500');
  assert.equal(t.success, false);
});

test('runEval writes trajectories as they finish and resumes from them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-eval-'));
  const ids = ['0', '1', '2', '3'];
  const first = await runEval({
    env: toyEnv(),
    policy: scripted,
    algorithm: 'qguided',
    n: 4,
    qmodel: prefersRight,
    seed: 0,
    taskIds: ids,
    concurrency: 2,
    outDir: dir,
  });
  assert.equal(first.summary.successRate, 1);
  assert.equal(first.summary.f1, 1);
  // Simulate a crash that cut the last line short, then re-run: only that task runs again.
  const file = join(dir, 'trajectories.jsonl');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 20)}`);
  const env = toyEnv();
  const second = await runEval({
    env,
    policy: scripted,
    algorithm: 'qguided',
    n: 4,
    qmodel: prefersRight,
    seed: 0,
    taskIds: ids,
    concurrency: 2,
    outDir: dir,
  });
  assert.equal(env.steps.length, 1);
  assert.equal(second.trajectories.length, 4);
  assert.ok(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).tasks === 4);
});

test('paired bootstrap: identical arms give a zero-width difference; a clear gap excludes zero', () => {
  const a = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : 0));
  const b = Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const boot = pairedBootstrap({ a, b, same: a }, { seed: 3 });
  const same = boot.diff('a', 'same');
  assert.equal(same.low, 0);
  assert.equal(same.high, 0);
  const d = boot.diff('a', 'b');
  assert.ok(Math.abs(d.mean - 0.3) < 1e-12);
  assert.ok(d.low > 0 && d.high < 0.6, `interval ${d.low}..${d.high}`);
  assert.ok(boot.arms.a!.low < 0.5 && boot.arms.a!.high > 0.5);
  assert.ok(Math.abs(boot.ratio('a', 'b').mean - 2.5) < 1e-12);
});
