/**
 * The proxy's answers in OpenAI's chat-completion shapes: one JSON body, or a stream of
 * chunks (role, the whole content, the finish reason, then usage when the client asked for it)
 * ending in `data: [DONE]`. The decision travels in the extra top-level field `stepq`.
 */
import type { ServerResponse } from 'node:http';

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Completion {
  id: string;
  model: string;
  content: string;
  usage: CompletionUsage;
  /** The decision: candidates, their Q-values and the chosen one (docs/proxy.md). */
  extra: unknown;
}

export function chatCompletionBody(c: Completion) {
  return {
    id: c.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: c.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: c.content },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: c.usage,
    stepq: c.extra,
  };
}

export function streamCompletion(
  res: ServerResponse,
  c: Completion & { includeUsage: boolean },
): void {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], more: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: c.id, object: 'chat.completion.chunk', created, model: c.model, choices, ...more })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
  res.write(chunk([{ index: 0, delta: { content: c.content }, finish_reason: null }]));
  res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], { stepq: c.extra }));
  if (c.includeUsage) res.write(chunk([], { usage: c.usage }));
  res.end('data: [DONE]\n\n');
}
