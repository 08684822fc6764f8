import { test } from 'node:test';
import assert from 'node:assert/strict';
import { llmQModel, openaiPolicy } from './constructors.js';
import { OptionError } from './core/settings.js';

test('openaiPolicy takes an option object; left-out settings take the defaults', async () => {
  const policy = await openaiPolicy({ model: 'gpt-test', baseUrl: 'http://127.0.0.1:9/v1' });
  assert.equal(policy.name, 'openai:gpt-test');
});

test('a bad setting is an error naming the option field, not a CLI flag', async () => {
  await assert.rejects(
    openaiPolicy({ model: 'm', baseUrl: 'http://127.0.0.1:9/v1', topP: 3 }),
    (err: unknown) =>
      err instanceof OptionError && err.field === 'topP' && /^options\.topP 3:/.test(err.message),
  );
});

test('llmQModel takes the endpoints as typed fields (no spec string)', async () => {
  const qmodel = await llmQModel({
    policy: { model: 'pi', baseUrl: 'http://127.0.0.1:9/v1' },
    reference: { model: 'ref', baseUrl: 'http://127.0.0.1:9/v1' },
    beta: 0.1,
    template: 'phi3',
    logprobs: 'echo',
  });
  assert.equal(qmodel.name, 'llm:pi/ref=ref');
});
