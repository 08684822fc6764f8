import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAnswer } from '../answer.js';
import { createHotpotqaBundle, type HotpotqaEnv } from '../index.js';
import { hotpotqaRecordSchema } from '../loader.js';
import { generateSyntheticRecords } from './index.js';

const records = generateSyntheticRecords(300);

test('same size and seed give the identical world; another seed gives another', () => {
  assert.deepEqual(generateSyntheticRecords(300), records);
  assert.notDeepEqual(generateSyntheticRecords(300, 'other-seed'), records);
  assert.equal(records.length, 300);
});

test('records are valid official-layout HotpotQA with a fair mix of question types', () => {
  const ids = new Set<string>();
  const pageText = new Map<string, string>();
  for (const r of records) {
    assert.ok(hotpotqaRecordSchema.safeParse(r).success, r._id);
    ids.add(r._id ?? '');
    assert.equal(r.context?.length, 10, `${r._id}: 10 paragraphs as in the distractor setting`);
    for (const [title, sentences] of r.context ?? []) {
      const text = JSON.stringify(sentences);
      assert.equal(
        pageText.get(title) ?? text,
        text,
        `page ${title} reads the same in every record`,
      );
      pageText.set(title, text);
    }
  }
  assert.equal(ids.size, records.length);
  const count = (pred: (r: (typeof records)[number]) => boolean) => records.filter(pred).length;
  assert.ok(count((r) => r.type === 'bridge') > 150);
  assert.ok(count((r) => r.type === 'comparison') > 50);
  assert.ok(count((r) => r.answer === 'yes') > 5 && count((r) => r.answer === 'no') > 5);
  assert.ok(pageText.size > 300, `a world of ${pageText.size} pages`);
  assert.ok(
    [...pageText.keys()].some((t) =>
      / \((film|novel|actor|painter|novelist|composer|architect|businessperson|film director)\)$/.test(
        t,
      ),
    ),
    'some titles are ambiguous',
  );
});

test('every answer is stated by the supporting facts; bridge answers never appear in the question', () => {
  for (const r of records) {
    const context = new Map(r.context ?? []);
    const support = (r.supporting_facts ?? []).map(([title, i]) => {
      const sentence = context.get(title)?.[i];
      assert.ok(
        sentence !== undefined,
        `${r._id}: supporting fact ${title}#${i} is in the context`,
      );
      return sentence;
    });
    assert.equal(support.length, 2);
    if (r.answer !== 'yes' && r.answer !== 'no') {
      assert.ok(
        support.some((s) => s.includes(r.answer)),
        `${r._id}: "${r.answer}" stated in ${JSON.stringify(support)}`,
      );
    }
    if (r.type === 'bridge') {
      assert.ok(
        !` ${normalizeAnswer(r.question)} `.includes(` ${normalizeAnswer(r.answer)} `),
        `${r._id} leaks its answer`,
      );
      // The hop is discoverable: the first page names the second entity (titles lose their qualifier).
      const [first, second] = (r.supporting_facts ?? []).map(([t]) => t);
      const bare = (second ?? '').replace(/ \([^)]*\)$/, '');
      assert.ok(
        (context.get(first ?? '') ?? []).join(' ').includes(bare),
        `${r._id}: ${first} mentions ${bare}`,
      );
    }
  }
});

test('an oracle that searches the gold titles and answers right scores 1 through the env', async () => {
  const bundle = await createHotpotqaBundle({
    data: 'builtin:synthetic:300',
    seed: 0,
  });
  const env = bundle.env as HotpotqaEnv;
  assert.equal(bundle.tasks.ids.length, 300);
  for (const r of records.slice(0, 60)) {
    let { state } = await env.reset(r._id ?? '');
    for (const [title, i] of r.supporting_facts ?? []) {
      const hit = await env.step(state, `Search[${title}]`);
      assert.equal(hit.state.page, title);
      const sentence = (new Map(r.context ?? []).get(title)?.[i] ?? '').trim();
      if (i < 5) assert.ok(hit.observation.includes(sentence), `${title}#${i} shown on Search`);
      state = hit.state;
    }
    const done = await env.step(state, `Finish[${r.answer}]`);
    assert.equal(done.reward, 1, r._id);
  }
});
