// An agent step through stepq serve-qguided with the Vercel AI SDK (docs/proxy.md).
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText } from 'ai';

const stepq = createOpenAICompatible({
  name: 'stepq',
  baseURL: process.env.STEPQ_PROXY_URL ?? 'http://127.0.0.1:8100/v1',
});

const { text } = await generateText({
  model: stepq('heuristic'),
  system: 'Answer with Thought: ... and Action: Search[...], Lookup[...] or Finish[...].',
  messages: [{ role: 'user', content: 'Question: Which city is the capital of France?' }],
});
console.log(text);
