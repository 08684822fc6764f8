import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../testing/shared.js';
import { chatTemplate, renderForScoring, scoringTexts } from './chat-templates.js';
import type { Message } from '../core/messages.js';
// The built-in envs (their prompts) are looked up by name in the registry.
import '../envs/index.js';

interface Case {
  name: string;
  messages: Message[];
  reply: string;
}
interface Rendered {
  bosToken: string;
  cases: Array<{ name: string; prompt: string; full: string }>;
}

// transformers' renderings of the real templates (scripts/chat-template-fixtures.py).
const cases = JSON.parse(readFileSync(fixture('chat-templates/cases.json'), 'utf8')) as Case[];
const rendered = JSON.parse(
  readFileSync(fixture('chat-templates/rendered.json'), 'utf8'),
) as Record<string, Rendered>;

/** What the real template appends after the scored completion when the conversation ends. */
const AFTER_COMPLETION: Record<string, string> = { chatml: '\n', llama3: '' };

for (const name of ['chatml', 'llama3']) {
  test(`${name}: prompt and completion are what transformers renders with the model's own template`, () => {
    const real = rendered[name] as Rendered;
    const template = chatTemplate(name);
    cases.forEach((c, i) => {
      const want = real.cases[i] as Rendered['cases'][number];
      assert.equal(want.name, c.name);
      // The template's BOS is the tokenizer's business (manifest tokens.addBos), not the text's.
      assert.ok(want.prompt.startsWith(real.bosToken));
      const { prompt, completion } = renderForScoring(template, c.messages, c.reply);
      assert.equal(prompt, want.prompt.slice(real.bosToken.length), `${c.name}: prompt`);
      assert.equal(
        prompt + completion + AFTER_COMPLETION[name],
        want.full.slice(real.bosToken.length),
        `${c.name}: full conversation`,
      );
      assert.ok(completion.endsWith(template.end));
    });
  });
}

test('phi3: one rendering, with the newline after every <|end|>, which the old TRL route lost', () => {
  const template = chatTemplate('phi3');
  const c = cases[0] as Case;
  const { prompt, completion } = renderForScoring(template, c.messages, c.reply);
  assert.equal(
    prompt,
    c.messages.map((m) => `<|${m.role}|>\n${m.content}<|end|>\n`).join('') + '<|assistant|>\n',
  );
  assert.equal(completion, `${c.reply}<|end|>`);
  // docs/trl.md's template, rendered by transformers (trim_blocks), joined the turns without
  // the newline: every training context differed from the scored one (issue #10, problem 1).
  const oldTrl = (rendered['phi3-old-doc'] as Rendered).cases[0] as Rendered['cases'][number];
  assert.ok(oldTrl.prompt.includes('<|end|><|assistant|>'));
  assert.notEqual(oldTrl.prompt, prompt);
});

test('scoringTexts: one shared prompt; candidates without an action are left out', () => {
  const template = chatTemplate('chatml');
  const context = { env: 'hotpotqa', taskId: 't', task: 'Question: q?', history: [] };
  const items = scoringTexts(template, context, [
    'Thought: a\nAction: Finish[x]',
    'Thought: no action here',
    'Thought: b\nAction:   ',
    'Thought: c\nAction: Search[y]',
  ]);
  assert.deepEqual(
    items.map((i) => i.index),
    [0, 3],
  );
  assert.equal(items[0]?.scoring.prompt, items[1]?.scoring.prompt);
  assert.equal(items[1]?.scoring.completion, 'Thought: c\nAction: Search[y]<|im_end|>');
});
