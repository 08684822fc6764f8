/**
 * What the HotPotQA heuristic knows at a decision point, read only from the conversation:
 * the task message (the last user turn starting with `Question:`, so few-shot examples
 * before it are ignored) and the assistant/observation turns after it.
 */
import type { Message } from '../../core/messages.js';
import { parseAction } from '../parse.js';
import { collapse, sentences } from './hotpotqa-text.js';

export interface PageRead {
  /** The title as the agent searched it. */
  title: string;
  /** Sentences shown so far: the preview, then any Lookup results. */
  sentences: string[];
  /** Step index at which the page was opened. */
  step: number;
}

export interface EpisodeView {
  question: string;
  /** Executed steps so far (action + observation). */
  steps: Array<{ action: string; observation: string }>;
  pages: PageRead[];
  /** Lower-cased arguments of every Search so far (hits and misses). */
  searched: Set<string>;
  /** Lower-cased Lookup keywords tried on the current page, and those used up. */
  lookedUp: Set<string>;
  exhausted: Set<string>;
  /** Titles offered by `Similar: [...]` on misses, newest first, with the missed entity. */
  similar: Array<{ missed: string; titles: string[] }>;
  /** The page loaded by the last successful Search. */
  current: PageRead | undefined;
}

/** Items of a Python-style list rendering: `['A', "B's", 'C']`. */
export function parsePythonList(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) {
    const item = (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1');
    if (item.trim()) out.push(item.trim());
  }
  return out;
}

function observationText(content: string): string {
  return collapse(content.replace(/^\s*observation\s*\d*\s*:\s*/i, ''));
}

export function readEpisode(messages: readonly Message[]): EpisodeView | undefined {
  let start = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user' && /^\s*question\s*:/i.test(m.content)) {
      start = i;
      break;
    }
  }
  if (start < 0) return undefined;
  const question = collapse((messages[start]?.content ?? '').replace(/^\s*question\s*:\s*/i, ''));
  const view: EpisodeView = {
    question,
    steps: [],
    pages: [],
    searched: new Set(),
    lookedUp: new Set(),
    exhausted: new Set(),
    similar: [],
    current: undefined,
  };
  for (let i = start + 1; i < messages.length; i++) {
    const turn = messages[i];
    if (turn?.role !== 'assistant') continue;
    const next = messages[i + 1];
    if (next?.role !== 'user') break; // an assistant turn without its observation yet
    const action = parseAction(turn.content);
    const observation = observationText(next.content);
    view.steps.push({ action, observation });
    apply(view, action, observation);
    i++;
  }
  return view;
}

function apply(view: EpisodeView, action: string, observation: string): void {
  const m = /^([A-Za-z]+)\[(.*)\]$/s.exec(action);
  const verb = m?.[1]?.toLowerCase();
  const arg = collapse(m?.[2] ?? '');
  if (verb === 'search' && arg) {
    view.searched.add(arg.toLowerCase());
    const miss = /^Could not find (.*?)\. Similar: (\[.*\])\.?$/s.exec(observation);
    if (miss) {
      view.similar.unshift({ missed: arg, titles: parsePythonList(miss[2] ?? '') });
    } else if (!/^Invalid action/i.test(observation)) {
      const page: PageRead = {
        title: arg,
        sentences: sentences(observation),
        step: view.steps.length - 1,
      };
      view.pages.push(page);
      view.current = page;
      view.lookedUp = new Set();
      view.exhausted = new Set();
    }
  } else if (verb === 'lookup' && arg) {
    const keyword = arg.toLowerCase();
    view.lookedUp.add(keyword);
    const hit = /^\(Result (\d+) \/ (\d+)\)\s*(.*)$/s.exec(observation);
    if (hit && view.current) {
      const sentence = collapse(hit[3] ?? '');
      if (sentence && !view.current.sentences.includes(sentence))
        view.current.sentences.push(sentence);
      if (hit[1] === hit[2]) view.exhausted.add(keyword);
    } else if (/^No more results/i.test(observation)) {
      view.exhausted.add(keyword);
    }
  }
}

/** Every sentence read so far, with the page it came from. */
export function readSentences(view: EpisodeView): Array<{ sentence: string; page: PageRead }> {
  return view.pages.flatMap((page) => page.sentences.map((sentence) => ({ sentence, page })));
}
