/**
 * What the proxy reads of a chat-completions request, validated with zod. Unknown fields are
 * kept (they travel upstream untouched on pass-through). `passThroughReason` says why a
 * request is not decided on, or null when the proxy decides.
 */
import { z } from 'zod';
import type { Message } from '../core/messages.js';
import { formatPath } from '../core/validate.js';
import { HttpError } from '../llm/http-server.js';

const contentSchema = z.union([
  z.string(),
  z.null(),
  z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough()),
]);

const messageSchema = z
  .object({
    role: z.string(),
    content: contentSchema.optional(),
    tool_calls: z.array(z.unknown()).optional(),
  })
  .passthrough();

export const chatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1, 'must hold at least one message'),
    n: z.number().int().min(1).max(128).nullish(),
    seed: z.number().int().nullish(),
    stream: z.boolean().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    max_completion_tokens: z.number().int().min(1).nullish(),
    tools: z.array(z.unknown()).nullish(),
    tool_choice: z.unknown().optional(),
    functions: z.array(z.unknown()).nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).passthrough().nullish(),
  })
  .passthrough();

export type ChatRequest = z.infer<typeof chatRequestSchema>;

export function parseChatRequest(json: unknown): ChatRequest {
  const parsed = chatRequestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue ? formatPath(issue.path) : null;
  throw new HttpError(
    400,
    issue ? `invalid '${param}': ${issue.message}` : 'invalid request',
    param,
  );
}

/** The request's messages as plain text turns, or undefined when a turn is not plain text. */
export function textMessages(request: ChatRequest): Message[] | undefined {
  const out: Message[] = [];
  for (const m of request.messages) {
    const role = m.role === 'developer' ? 'system' : m.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') return undefined;
    let content: string;
    if (typeof m.content === 'string') content = m.content;
    else if (m.content == null) return undefined;
    else if (m.content.every((p) => p.type === 'text' && typeof p.text === 'string'))
      content = m.content.map((p) => p.text).join('');
    else return undefined;
    out.push({ role, content });
  }
  return out;
}

export function passThroughReason(
  request: ChatRequest,
  headers: Record<string, string | string[] | undefined>,
): string | null {
  const flag = headers['x-stepq-passthrough'];
  if (flag !== undefined && flag !== '0' && flag !== 'false')
    return 'the client asked for pass-through (x-stepq-passthrough)';
  if ((request.n ?? 1) > 1) return `the client asked for n = ${request.n} replies`;
  if ((request.tools?.length ?? 0) > 0 || (request.functions?.length ?? 0) > 0)
    return 'the request offers tools';
  if (request.tool_choice !== undefined && request.tool_choice !== 'none')
    return 'the request sets tool_choice';
  if (request.messages.some((m) => m.role === 'tool' || m.role === 'function' || m.tool_calls))
    return 'the conversation holds tool calls';
  if (!textMessages(request)) return 'a message is not plain text';
  return null;
}
