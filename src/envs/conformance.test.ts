import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envNames, getEnv, registerEnv, unregisterEnv } from '../core/registry.js';
import { checkEnvConformance } from './conformance.js';
import './index.js';
import { createToyEnv, TOY_RETURNS } from '../search/testkit/toy.js';
import type { Env } from '../core/env.js';
// The example env, written outside src/ against the public API, registered the way a user does.
import { arithDefinition } from '../../examples/arith/index.js';

registerEnv(arithDefinition);

test('every registered env passes the conformance suite', async () => {
  const names = envNames();
  for (const name of ['hotpotqa', 'webshop', 'toy', 'arith']) assert.ok(names.includes(name), name);
  for (const name of names) {
    const report = await checkEnvConformance(name);
    assert.deepEqual(report.failures, [], name);
    // The episodes went somewhere: more than the reset and one invalid action per task.
    assert.ok(report.steps >= 3, `${name}: only ${report.steps} steps taken`);
  }
});

test('the suite catches an env that mutates the state it is given', async () => {
  const toy = getEnv('toy');
  registerEnv({
    ...toy,
    name: 'toy-careless',
    async create(options) {
      const bundle = await toy.create(options);
      const env = createToyEnv({ mutateInPlace: true });
      return { ...bundle, env: Object.assign(env, { name: 'toy-careless' }) as Env };
    },
  });
  try {
    const report = await checkEnvConformance('toy-careless');
    assert.ok(
      report.failures.some((f) => f.includes('step mutated its input state')),
      report.failures.join('\n'),
    );
  } finally {
    unregisterEnv('toy-careless');
  }
  assert.equal(TOY_RETURNS, toy.returns);
});
