// An agent step through stepq serve-qguided with LangChain.js (docs/proxy.md).
import { ChatOpenAI } from '@langchain/openai';

const llm = new ChatOpenAI({
  model: 'heuristic',
  apiKey: process.env.OPENAI_API_KEY ?? 'unused',
  configuration: { baseURL: process.env.STEPQ_PROXY_URL ?? 'http://127.0.0.1:8100/v1' },
});

const reply = await llm.invoke([
  ['system', 'Answer with Thought: ... and Action: Search[...], Lookup[...] or Finish[...].'],
  ['user', 'Question: Which city is the capital of France?'],
]);
console.log(reply.content);
