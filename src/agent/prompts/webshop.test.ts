import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webshopPrompt } from './webshop.js';
import { parseReply } from '../parse.js';

test('the WebShop example alternates start page / steps / observations and every click is on the page shown', () => {
  const turns = webshopPrompt.fewShot;
  assert.equal(turns.length, 8);
  turns.forEach((m, i) => assert.equal(m.role, i % 2 === 0 ? 'user' : 'assistant'));
  assert.match(turns[0]!.content, /^WebShop \[SEP\] Instruction: \[SEP\] .+ \[SEP\] Search$/);
  for (let i = 1; i < turns.length; i += 2) {
    const step = parseReply(turns[i]!.content);
    assert.equal(step.text, turns[i]!.content, 'assistant turns are in canonical form');
    const m = /^(search|click)\[(.+)\]$/.exec(step.action);
    assert.ok(m, step.action);
    if (m[1] === 'click') {
      const page = turns[i - 1]!.content.replace(/^Observation:\n/, '');
      assert.ok(page.split(' [SEP] ').includes(m[2]!), `${m[2]} is shown on the page before it`);
    }
    if (i + 1 < turns.length) assert.match(turns[i + 1]!.content, /^Observation:\n/);
  }
  assert.equal(webshopPrompt.formatObservation('page'), 'Observation:\npage');
  assert.match(webshopPrompt.instruction, /search\[keywords\]/);
  assert.match(webshopPrompt.instruction, /click\[/);
});
