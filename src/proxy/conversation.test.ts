import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../envs/index.js'; // registers the built-in envs
import { policyMessages } from '../agent/conversation.js';
import type { Message, StepContext } from '../core/messages.js';
import { messagesToContext } from './conversation.js';

const context: StepContext = {
  env: 'hotpotqa',
  taskId: 't',
  task: 'Question: Who wrote Hamlet?',
  history: [
    {
      text: 'Thought: search it\nAction: Search[Hamlet]',
      action: 'Search[Hamlet]',
      observation: 'Hamlet is a tragedy by William Shakespeare.',
    },
  ],
};

test("stepq's own prompt maps back to the exact decision context", () => {
  const mapped = messagesToContext(policyMessages(context), { env: 'hotpotqa', style: 'auto' });
  assert.ok(mapped.ok);
  assert.equal(mapped.style, 'stepq');
  assert.deepEqual(mapped.context, { ...context, taskId: '' });
});

test("the paper's ReAct layout: instruction, OK, k in-context turns, task, numbered steps", () => {
  const icl: Message[] = Array.from({ length: 4 }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `example ${i}`,
  }));
  const messages: Message[] = [
    {
      role: 'user',
      content:
        'Solve a question answering task with interleaving Thought, Action, Observation steps.',
    },
    { role: 'assistant', content: 'OK' },
    ...icl,
    { role: 'user', content: 'Question: Who wrote Hamlet?' },
    { role: 'assistant', content: 'Thought 1: search it\nAction 1: Search[Hamlet]' },
    { role: 'user', content: 'Observation 1: Hamlet is a tragedy by William Shakespeare.' },
  ];
  const mapped = messagesToContext(messages, { env: 'hotpotqa', style: 'react', iclTurns: 4 });
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.context.history, context.history);
  assert.equal(mapped.context.task, context.task);
});

test('the generic layout: system prompt, the first user turn is the task', () => {
  const messages: Message[] = [
    { role: 'system', content: 'You are a careful agent.' },
    { role: 'user', content: 'Question: Who wrote Hamlet?' },
    { role: 'assistant', content: 'Action: Search[Hamlet]' },
    { role: 'user', content: 'Observation: Hamlet is a tragedy.' },
  ];
  const mapped = messagesToContext(messages, { env: 'hotpotqa', style: 'auto' });
  assert.ok(mapped.ok);
  assert.equal(mapped.style, 'generic');
  assert.equal(mapped.context.history[0]?.action, 'Search[Hamlet]');
  assert.equal(mapped.context.history[0]?.observation, 'Hamlet is a tragedy.');
});

test('conversations that end with the assistant or do not alternate are not decided on', () => {
  const end = messagesToContext(
    [
      { role: 'user', content: 'Question: q' },
      { role: 'assistant', content: 'Thought:' },
    ],
    { env: 'hotpotqa', style: 'auto' },
  );
  assert.equal(end.ok, false);
  const odd = messagesToContext(
    [
      { role: 'user', content: 'Question: q' },
      { role: 'user', content: 'more' },
      { role: 'assistant', content: 'x' },
      { role: 'user', content: 'y' },
    ],
    { env: 'hotpotqa', style: 'generic' },
  );
  assert.equal(odd.ok, false);
  if (!odd.ok) assert.match(odd.reason, /do not alternate/);
});
