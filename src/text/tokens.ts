/**
 * A rough token count for servers that do not tokenise: about 4 characters per token,
 * the usual rule of thumb for English text with GPT-style BPE vocabularies. Used only
 * where no real count exists (the embedded policy server, the fake test server).
 */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Chat prompt estimate: the contents plus ~4 tokens of role/formatting overhead per message. */
export function estimatePromptTokens(messages: ReadonlyArray<{ content: string }>): number {
  let total = 0;
  for (const m of messages) total += estimateTokens(m.content) + 4;
  return total;
}
