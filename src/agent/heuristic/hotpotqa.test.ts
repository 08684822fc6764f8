import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message, StepContext } from '../../core/messages.js';
import { seedFrom } from '../../core/rng.js';
import { HotpotqaEnv } from '../../envs/hotpotqa/env.js';
import { OfflineWiki } from '../../envs/hotpotqa/offline-wiki.js';
import { policyMessages } from '../conversation.js';
import { parseReply } from '../parse.js';
import { THOUGHT_TEMPLATES } from './hotpotqa.js';
import { createHeuristicPolicy } from './index.js';

const policy = createHeuristicPolicy('hotpotqa');

function conversation(question: string, turns: Array<[string, string]> = []): Message[] {
  const ctx: StepContext = {
    env: 'hotpotqa',
    taskId: 'x',
    task: `Question: ${question}`,
    history: turns.map(([action, observation]) => ({
      text: `Thought: t\nAction: ${action}`,
      action,
      observation,
    })),
  };
  return policyMessages(ctx);
}

async function many(messages: Message[], seeds: number, n = 4): Promise<string[]> {
  const out: string[] = [];
  for (let s = 0; s < seeds; s++)
    out.push(...(await policy.propose(messages, n, { seed: s })).candidates);
  return out;
}

const BRIDGE_Q = 'In which town was the author of the novel Grey Tides born?';
const AFTER_HIT: Array<[string, string]> = [
  [
    'Search[Grey Tides]',
    'Grey Tides is a 1950 novel by Ann Roe. It follows a ferry crew through one winter. The novel was first published by Harrow Press.',
  ],
];
const AFTER_MISS: Array<[string, string]> = [
  [
    'Search[Grey Tides]',
    "Could not find Grey Tides. Similar: ['Grey Tides (novel)', 'Grey Harbour', 'Tides of Salt'].",
  ],
];

test('returns n candidates and counts one call with token estimates', async () => {
  const reply = await policy.propose(conversation(BRIDGE_Q), 5, { seed: 1 });
  assert.equal(reply.candidates.length, 5);
  assert.equal(reply.usage.calls, 1);
  assert.ok(reply.usage.promptTokens > 100);
  assert.ok(reply.usage.completionTokens > 5);
});

test('same seed gives the same candidates; other seeds vary', async () => {
  const msgs = conversation(BRIDGE_Q, AFTER_HIT);
  const a = await policy.propose(msgs, 6, { seed: 42 });
  const b = await policy.propose(msgs, 6, { seed: 42 });
  assert.deepEqual(a, b);
  const distinct = new Set(await many(msgs, 10, 1));
  assert.ok(distinct.size > 2, `only ${distinct.size} distinct replies over 10 seeds`);
});

test('every candidate is canonical text with a well-formed action and a template thought', async () => {
  const patterns = Object.values(THOUGHT_TEMPLATES)
    .flat()
    .map(
      (t) => new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '.+')}$`),
    );
  const situations = [
    conversation(BRIDGE_Q),
    conversation(BRIDGE_Q, AFTER_HIT),
    conversation(BRIDGE_Q, AFTER_MISS),
    conversation(BRIDGE_Q, [...AFTER_HIT, ['Lookup[born]', 'No more results.']]),
    conversation('Who is older, Ann Roe or Bo Lind?', [
      ['Search[Ann Roe]', 'Ann Roe (born 1901) was a writer.'],
    ]),
    conversation('what science fantasy series for young readers has companion books?'),
  ];
  for (const msgs of situations) {
    for (const c of await many(msgs, 15, 3)) {
      const p = parseReply(c);
      assert.equal(p.text, c);
      assert.match(p.action, /^(Search|Lookup|Finish)\[[^\]\n]+\]$/, c);
      assert.ok(
        patterns.some((re) => re.test(p.thought)),
        `thought not from a template: ${p.thought}`,
      );
    }
  }
});

test('a miss leads some candidates to the offered similar titles', async () => {
  const actions = (await many(conversation(BRIDGE_Q, AFTER_MISS), 20, 2)).map(
    (c) => parseReply(c).action,
  );
  assert.ok(actions.includes('Search[Grey Tides (novel)]'), actions.join(' '));
});

test('after reading a page, some candidates follow a name found on it', async () => {
  const actions = (await many(conversation(BRIDGE_Q, AFTER_HIT), 20, 2)).map(
    (c) => parseReply(c).action,
  );
  assert.ok(actions.includes('Search[Ann Roe]'), actions.join(' '));
});

test('answers come only from what was shown: a fact never read is never answered', async () => {
  const secret = 'Vellmouth';
  const before = await many(conversation(BRIDGE_Q, AFTER_HIT), 40, 3);
  assert.ok(!before.some((c) => c.includes(secret)));
  const read: Array<[string, string]> = [
    ...AFTER_HIT,
    [
      'Search[Ann Roe]',
      `Ann Roe (1899 – 1970) was a novelist. She was born in ${secret}, a fishing town.`,
    ],
  ];
  const after = (await many(conversation(BRIDGE_Q, read), 40, 3)).map((c) => parseReply(c).action);
  assert.ok(after.includes(`Finish[${secret}]`), 'the fact, once read, becomes an answer');
});

test('the few-shot examples are ignored: same output as the bare task conversation', async () => {
  const full = conversation(BRIDGE_Q, AFTER_HIT);
  const bare = full.slice(full.findLastIndex((m) => m.content.startsWith('Question: ')));
  for (const seed of [1, 2, 3]) {
    const withExamples = await policy.propose(full, 4, { seed });
    const withoutExamples = await policy.propose(bare, 4, { seed });
    assert.deepEqual(withExamples.candidates, withoutExamples.candidates);
  }
  // Nothing from the few-shot trajectories leaks into the candidates.
  const fewShotNames = ['Brekkvik', 'Vardnes', 'Kuusk', 'Orrin', 'Salt Ledger'];
  for (const c of await many(full, 20, 3)) assert.ok(!fewShotNames.some((n) => c.includes(n)), c);
});

test('yes/no and choice questions are finished with yes/no or one of the options', async () => {
  const yn = (
    await many(
      conversation('Are Ann Roe and Bo Lind both novelists?', [
        ['Search[Ann Roe]', 'Ann Roe (born 1901) was a novelist.'],
        ['Search[Bo Lind]', 'Bo Lind (born 1910) was a novelist and critic.'],
      ]),
      20,
      2,
    )
  )
    .map((c) => parseReply(c).action)
    .filter((a) => a.startsWith('Finish['));
  assert.ok(yn.length > 0);
  for (const a of yn) assert.ok(a === 'Finish[yes]' || a === 'Finish[no]', a);
  const choice = (
    await many(
      conversation('Who was born first, Ann Roe or Bo Lind?', [
        ['Search[Ann Roe]', 'Ann Roe (born 1901) was a novelist.'],
        ['Search[Bo Lind]', 'Bo Lind (born 1910) was a novelist.'],
      ]),
      20,
      2,
    )
  )
    .map((c) => parseReply(c).action)
    .filter((a) => a.startsWith('Finish['));
  assert.ok(
    choice.filter((a) => a === 'Finish[Ann Roe]').length >
      choice.filter((a) => a === 'Finish[Bo Lind]').length,
    choice.join(' '),
  );
});

test('plays a small offline world: solves some episodes, not all', async () => {
  const wiki = new OfflineWiki([
    {
      title: 'Grey Tides',
      sentences: [
        'Grey Tides is a 1950 novel by Ann Roe.',
        'It follows a ferry crew through one winter.',
        'It was first published by Harrow Press.',
      ],
    },
    {
      title: 'Ann Roe',
      sentences: [
        'Ann Roe (1899 – 1970) was a novelist.',
        'She was born in Vellmouth, a fishing town.',
        'She moved to Carrow in 1921.',
      ],
    },
    {
      title: 'Harrow Press',
      sentences: [
        'Harrow Press is a publisher founded in 1911 by Ivo Hart.',
        'It is based in Carrow.',
      ],
    },
    {
      title: 'Bo Lind',
      sentences: ['Bo Lind (born 1910) was a novelist and critic.', 'He was born in Osterby.'],
    },
  ]);
  const env = new HotpotqaEnv(
    [
      { id: 'q1', question: BRIDGE_Q, answer: 'Vellmouth' },
      { id: 'q2', question: 'Who was born first, Ann Roe or Bo Lind?', answer: 'Ann Roe' },
      {
        id: 'q3',
        question: 'In what year was the publisher of the novel Grey Tides founded?',
        answer: '1911',
      },
    ],
    wiki,
  );
  let wins = 0;
  let episodes = 0;
  for (const id of ['q1', 'q2', 'q3']) {
    for (let run = 0; run < 15; run++) {
      const reset = await env.reset(id);
      let state = reset.state;
      const history: StepContext['history'][number][] = [];
      for (let depth = 0; depth < env.maxDepth; depth++) {
        const msgs = policyMessages({
          env: 'hotpotqa',
          taskId: id,
          task: reset.observation,
          history,
        });
        const [reply] = (await policy.propose(msgs, 1, { seed: seedFrom(id, run, depth) }))
          .candidates;
        const p = parseReply(reply ?? '');
        const r = await env.step(state, p.action);
        history.push({ text: p.text, action: p.action, observation: r.observation });
        state = r.state;
        if (r.done) {
          wins += env.returns.isSuccess(r.reward) ? 1 : 0;
          break;
        }
      }
      episodes++;
    }
  }
  const rate = wins / episodes;
  assert.ok(rate > 0.2 && rate < 0.95, `success rate ${rate.toFixed(2)}`);
});
