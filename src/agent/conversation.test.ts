import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepContext } from '../core/messages.js';
import { policyMessages, qModelMessages } from './conversation.js';
import { parseReply } from './parse.js';
import { hotpotqaPrompt } from './prompts/hotpotqa.js';

const ctx: StepContext = {
  env: 'hotpotqa',
  taskId: 't1',
  task: 'Question: Where was the author of Grey Tides born?',
  history: [
    {
      text: 'Thought: I need the author.\nAction: Search[Grey Tides]',
      action: 'Search[Grey Tides]',
      observation: 'Grey Tides is a novel by Ann Roe.',
    },
    {
      text: 'Thought: Now the author.\nAction: Search[Ann Roe]',
      action: 'Search[Ann Roe]',
      observation: 'Ann Roe was born in Dunmore.\n',
    },
  ],
};

test('HotPotQA few-shot turns alternate user/assistant, each trajectory opens with a question and ends with Finish', () => {
  const turns = hotpotqaPrompt.fewShot;
  assert.ok(turns.length >= 6);
  assert.equal(turns.length % 2, 0, 'every user turn is answered');
  turns.forEach((m, i) => assert.equal(m.role, i % 2 === 0 ? 'user' : 'assistant', `turn ${i}`));
  const questions = turns.filter((m) => m.content.startsWith('Question: '));
  assert.equal(questions.length, 3);
  for (const [i, m] of turns.entries()) {
    if (m.role === 'user') {
      assert.match(m.content, /^(Question|Observation): \S/, `turn ${i}`);
    } else {
      const next = turns[i + 1];
      if (next === undefined || next.content.startsWith('Question: '))
        assert.match(m.content, /\nAction: Finish\[[^\]]+\]$/, `turn ${i}`);
    }
  }
});

test('HotPotQA few-shot steps are canonical text with a valid action', () => {
  for (const m of hotpotqaPrompt.fewShot.filter((t) => t.role === 'assistant')) {
    const parsed = parseReply(m.content);
    assert.equal(parsed.text, m.content);
    assert.match(parsed.action, /^(Search|Lookup|Finish)\[[^\]]+\]$/);
    assert.ok(parsed.thought.length > 10);
  }
});

test('HotPotQA few-shot observations use the env formats', () => {
  const observations = hotpotqaPrompt.fewShot
    .filter((m) => m.content.startsWith('Observation: '))
    .map((m) => m.content);
  assert.ok(
    observations.some((o) => /^Observation: Could not find .+\. Similar: \['.+'\]\.$/.test(o)),
  );
  assert.ok(observations.some((o) => /^Observation: \(Result \d+ \/ \d+\) /.test(o)));
  // A page preview shows at most five sentences.
  for (const o of observations.filter((x) => !/Could not find|\(Result/.test(x))) {
    assert.ok(o.split(/(?<=\.) (?=[A-Z])/).length <= 5, o);
  }
});

test('policyMessages: instruction, OK, few-shot, task, then the history as step/observation turns', () => {
  const msgs = policyMessages(ctx);
  const k = hotpotqaPrompt.fewShot.length;
  assert.equal(msgs.length, 2 + k + 1 + 4);
  assert.deepEqual(msgs[0], { role: 'user', content: hotpotqaPrompt.instruction });
  assert.deepEqual(msgs[1], { role: 'assistant', content: 'OK' });
  assert.deepEqual(msgs.slice(2, 2 + k), hotpotqaPrompt.fewShot);
  assert.deepEqual(msgs[2 + k], { role: 'user', content: ctx.task });
  assert.deepEqual(msgs.slice(3 + k), [
    { role: 'assistant', content: ctx.history[0]?.text },
    { role: 'user', content: 'Observation: Grey Tides is a novel by Ann Roe.' },
    { role: 'assistant', content: ctx.history[1]?.text },
    { role: 'user', content: 'Observation: Ann Roe was born in Dunmore.' },
  ]);
});

test('qModelMessages is policyMessages without the few-shot turns', () => {
  const full = policyMessages(ctx);
  const k = hotpotqaPrompt.fewShot.length;
  assert.deepEqual(qModelMessages(ctx), [...full.slice(0, 2), ...full.slice(2 + k)]);
});
