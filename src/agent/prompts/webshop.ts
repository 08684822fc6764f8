/**
 * The WebShop agent prompt: stepq's own instruction and one worked example (not the
 * paper's or ReAct's text). The conversation follows docs/method.md#conversation: the task is
 * the raw text of the start page, each assistant turn is `Thought: ...\nAction: ...`,
 * and each observation comes back as `Observation:\n<page text>`.
 */
import type { Message } from '../../core/messages.js';
import type { AgentPrompt } from './types.js';

const instruction = `You are buying one product in an online shop for a customer. The customer's request is shown under "Instruction:" on every page, including the most the customer wants to pay.

Pages are shown as text, with the pieces of the page separated by [SEP]. Each turn, write one short thought and then exactly one action, in this form:
Thought: <your reasoning>
Action: <one action>

There are two kinds of action:
- search[keywords] looks for products with the keywords you give (use the shop's search box; a few precise words work best).
- click[text] clicks something shown on the current page: a product code from the results (e.g. B0AB12CD34), an option value such as a size or colour, or a button: Back to Search, Next >, < Prev, Description, Features, Reviews, Buy Now.

Advice: pick a product whose title matches what the customer asked for and whose price is under their limit; on the product page click every option the customer named (size, colour, count) before clicking Buy Now; use Description or Features when the title leaves a requirement unclear; go back and try another product or another search when a product does not fit. Buy Now ends the task, so click it only once you are satisfied.`;

const INSTR =
  'i want a caffeine free peppermint herbal tea, 20 bags, and price lower than 20.00 dollars';

const startPage = `WebShop [SEP] Instruction: [SEP] ${INSTR} [SEP] Search`;

const resultsPage =
  `Instruction: [SEP] ${INSTR} [SEP] Back to Search [SEP] Page 1 (Total results: 50) [SEP] Next > [SEP] ` +
  'B0K3W8TQ1N [SEP] Meadowfield Organic Peppermint Tea, 100 Tea Bags, Bulk Box [SEP] $24.99 [SEP] ' +
  'B0R5HJ2M7C [SEP] Larkspur Peppermint Herbal Tea - Caffeine Free, Non GMO, Individually Wrapped [SEP] $6.80 [SEP] ' +
  'B0P9XD4V6E [SEP] Larkspur Peppermint Green Tea with Natural Caffeine [SEP] $7.15 [SEP] ' +
  'B0A6ZN1F3S [SEP] Hillcrest Chamomile & Mint Bedtime Tea, Caffeine Free [SEP] $9.49 [SEP] ' +
  'B0T2GY5L8U [SEP] Copperleaf Peppermint Leaves Loose Leaf Tin, 4 oz [SEP] $12.00';

const itemPage =
  `Instruction: [SEP] ${INSTR} [SEP] Back to Search [SEP] < Prev [SEP] size [SEP] 16 count [SEP] 20 count [SEP] 40 count [SEP] ` +
  'Larkspur Peppermint Herbal Tea - Caffeine Free, Non GMO, Individually Wrapped [SEP] Price: $6.80 [SEP] Rating: N.A. [SEP] ' +
  'Description [SEP] Features [SEP] Reviews [SEP] Buy Now';

function step(thought: string, action: string): Message {
  return { role: 'assistant', content: `Thought: ${thought}\nAction: ${action}` };
}

function observation(page: string): Message {
  return { role: 'user', content: formatObservation(page) };
}

function formatObservation(page: string): string {
  return `Observation:\n${page}`;
}

const fewShot: Message[] = [
  { role: 'user', content: startPage },
  step(
    'The customer wants peppermint herbal tea without caffeine, 20 bags, under $20. I will search for those words.',
    'search[caffeine free peppermint herbal tea]',
  ),
  observation(resultsPage),
  step(
    'B0R5HJ2M7C is a peppermint herbal tea that says caffeine free and costs $6.80, which is under $20. B0P9XD4V6E contains caffeine and B0K3W8TQ1N costs too much, so I will open B0R5HJ2M7C.',
    'click[B0R5HJ2M7C]',
  ),
  observation(itemPage),
  step(
    'This is the right tea. The customer asked for 20 bags, so I pick the 20 count size.',
    'click[20 count]',
  ),
  observation(itemPage),
  step(
    'The size is chosen, the product matches the request and the price is below the limit, so I can buy it.',
    'click[Buy Now]',
  ),
];

export const webshopPrompt: AgentPrompt = {
  instruction,
  fewShot,
  formatObservation,
};
