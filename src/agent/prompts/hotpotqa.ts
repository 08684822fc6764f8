/**
 * The HotPotQA agent prompt: stepq's own instruction and three few-shot trajectories
 * (invented topics, so no example can leak a real answer). Turns follow
 * docs/method.md#conversation: user `Question: ...`, assistant `Thought: ...\nAction: ...` (the canonical
 * text of src/agent/parse.ts), user `Observation: ...`, with observations written in the
 * env's formats (page preview, `Could not find ... Similar: [...]`, `(Result i / N) ...`).
 * Each trajectory ends with its Finish step.
 */
import type { Message } from '../../core/messages.js';
import { canonicalText } from '../parse.js';
import type { AgentPrompt } from './types.js';

const instruction = `You answer multi-step questions by reading an encyclopedia. Work in turns: each of your replies is one Thought followed by one Action, and after each Action you receive an Observation.
In the Thought, say briefly what you have learned so far and what you still need.
The Action must be exactly one of:
(1) Search[entity]: open the encyclopedia page whose title is entity and show its first sentences. If there is no such page, you get a list of similar titles to try instead.
(2) Lookup[keyword]: show the next sentence containing keyword on the page you opened last.
(3) Finish[answer]: give your final answer and end the task. The answer should be short: a name, a place, a date, a number, or yes/no.
Reply in this format, with nothing after the Action:
Thought: <your reasoning>
Action: <one action>`;

const user = (content: string): Message => ({ role: 'user', content });
const step = (thought: string, action: string): Message => ({
  role: 'assistant',
  content: canonicalText(thought, action),
});
const observation = (text: string): Message => user(`Observation: ${text}`);

/** Bridge question with a missed title recovered through the similar titles. */
const bridgeWithMiss: Message[] = [
  user(
    'Question: In which harbour town was the lighthouse keeper who wrote the memoir "Salt Ledger" born?',
  ),
  step(
    'I need to find who wrote "Salt Ledger", then where that person was born.',
    'Search[Salt Ledger]',
  ),
  observation(
    "Could not find Salt Ledger. Similar: ['Salt Ledger (memoir)', 'Ledger Lines', 'Salt Marsh Harbour', 'The Keeper of Grey Point', 'Harbour Lights (novel)'].",
  ),
  step(
    'The memoir has a page under a longer title. I will search it.',
    'Search[Salt Ledger (memoir)]',
  ),
  observation(
    'Salt Ledger is a 1961 memoir by the lighthouse keeper Oda Brekkvik. It describes eleven winters she spent alone on the Skarvø light station. The book was serialised in a coastal newspaper before its publication. An English translation appeared in 1974.',
  ),
  step(
    '"Salt Ledger" was written by Oda Brekkvik. Now I need her birthplace.',
    'Search[Oda Brekkvik]',
  ),
  observation(
    'Oda Brekkvik (1909 – 1987) was a lighthouse keeper and writer. She kept the Skarvø light from 1938 to 1949. After retiring she taught at a school for fishermen. Her memoir Salt Ledger was reprinted several times. A ferry on the coastal route is named after her.',
  ),
  step(
    'The opening sentences do not say where she was born. I will look up "born".',
    'Lookup[born]',
  ),
  observation(
    '(Result 1 / 1) Brekkvik was born in Vardnes, a small harbour town on the northern coast, as the daughter of a pilot.',
  ),
  step('Oda Brekkvik was born in Vardnes, so the answer is Vardnes.', 'Finish[Vardnes]'),
];

/** Comparison question answered by one of the two named things. */
const comparison: Message[] = [
  user(
    'Question: Which was founded first, the Orrin Valley Cooperative or the Maple Fen Weavers Guild?',
  ),
  step(
    'I need the founding years of both organisations. I will start with the Orrin Valley Cooperative.',
    'Search[Orrin Valley Cooperative]',
  ),
  observation(
    'The Orrin Valley Cooperative is an agricultural cooperative in the Orrin Valley. It markets grain and oilseed for about 400 member farms. It was founded in 1934 by eleven families after a long drought. The cooperative runs two grain elevators and a seed-cleaning plant.',
  ),
  step(
    'The Orrin Valley Cooperative was founded in 1934. Now the Maple Fen Weavers Guild.',
    'Search[Maple Fen Weavers Guild]',
  ),
  observation(
    'The Maple Fen Weavers Guild is a craft guild of hand weavers. It was established in 1921 by the textile teacher Ruth Calloway. The guild holds an exhibition every autumn. Its members restore historical looms.',
  ),
  step(
    'The guild was established in 1921, before the cooperative in 1934, so the guild was founded first.',
    'Finish[Maple Fen Weavers Guild]',
  ),
];

/** Yes/no question that needs a third page. */
const yesNo: Message[] = [
  user(
    'Question: Are the composers of "Lantern Hymn" and "Nine Bridges Suite" of the same nationality?',
  ),
  step(
    'I need the composer of each piece and their nationalities. First "Lantern Hymn".',
    'Search[Lantern Hymn]',
  ),
  observation(
    'Lantern Hymn is a 1987 choral work by the Estonian composer Mart Kuusk. It sets a folk poem about a night procession. The piece is often sung at song festivals.',
  ),
  step(
    'Lantern Hymn is by Mart Kuusk, who is Estonian. Now "Nine Bridges Suite".',
    'Search[Nine Bridges Suite]',
  ),
  observation(
    'Nine Bridges Suite is an orchestral suite in nine movements by Wen Lihua. It was first performed in 2004 by a provincial symphony orchestra. Each movement depicts one bridge of an old canal town.',
  ),
  step(
    'The suite is by Wen Lihua, but the page does not give the nationality. I will search Wen Lihua.',
    'Search[Wen Lihua]',
  ),
  observation(
    'Wen Lihua (born 1958) is a Chinese composer and conductor. She studied composition in Shanghai. Her works often quote regional folk songs.',
  ),
  step(
    'Mart Kuusk is Estonian and Wen Lihua is Chinese, so they are not of the same nationality.',
    'Finish[no]',
  ),
];

export const hotpotqaPrompt: AgentPrompt = {
  instruction,
  fewShot: [...bridgeWithMiss, ...comparison, ...yesNo],
  // The env may end an observation with a newline; the turn keeps one line.
  formatObservation: (obs) => `Observation: ${obs.trim()}`,
};
