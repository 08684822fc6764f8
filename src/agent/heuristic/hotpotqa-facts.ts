/**
 * Text facts of what the agent has read, computed once per decision: the move lists and the
 * answer reader both ask for the names and content stems of every sentence read, and test
 * names against the question and page titles. The memo hangs off the EpisodeView, which
 * readEpisode builds afresh for each propose call, so it lives exactly as long as that call
 * (nothing is cached across decisions).
 */
import type { EpisodeView } from './hotpotqa-read.js';
import { capitalisedSpans, contentStems, mentionedByKey, wordKey } from './hotpotqa-text.js';

export interface SentenceFacts {
  /** capitalisedSpans of the sentence (shared: do not modify). */
  spans: readonly string[];
  /** contentStems of the sentence (shared: do not modify). */
  stems: ReadonlySet<string>;
}

interface ViewMemo {
  sentences: Map<string, SentenceFacts>;
  wordKeys: Map<string, string>;
}

const memos = new WeakMap<EpisodeView, ViewMemo>();

function memoOf(view: EpisodeView): ViewMemo {
  let memo = memos.get(view);
  if (!memo) {
    memo = { sentences: new Map(), wordKeys: new Map() };
    memos.set(view, memo);
  }
  return memo;
}

export function sentenceFacts(view: EpisodeView, sentence: string): SentenceFacts {
  const memo = memoOf(view);
  let facts = memo.sentences.get(sentence);
  if (!facts) {
    facts = { spans: capitalisedSpans(sentence), stems: contentStems(sentence) };
    memo.sentences.set(sentence, facts);
  }
  return facts;
}

/** `mentions(haystack, needle)` with the haystack's words read once per decision. */
export function mentionedIn(view: EpisodeView, haystack: string, needle: string): boolean {
  const memo = memoOf(view);
  let key = memo.wordKeys.get(haystack);
  if (key === undefined) {
    key = wordKey(haystack);
    memo.wordKeys.set(haystack, key);
  }
  return mentionedByKey(key, needle);
}
