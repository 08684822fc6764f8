/**
 * What the WebShop heuristic knows at a decision point, read only from the conversation:
 * the task message (the last user turn that is a start page, so the few-shot example
 * before it is ignored), the actions taken since, and the pages shown as [SEP] text.
 */
import type { Message } from '../../core/messages.js';
import { parseAction } from '../parse.js';

export interface ResultEntry {
  asin: string;
  title: string;
  /** Lowest price shown ("$a to $b" counts as a), NaN when unreadable. */
  price: number;
}

export interface OptionGroup {
  name: string;
  values: string[];
}

export type PageView =
  | { kind: 'init' }
  | { kind: 'results'; page: number; total: number; results: ResultEntry[]; hasPrev: boolean }
  | { kind: 'item'; title: string; price: number; options: OptionGroup[]; buttons: string[] }
  | { kind: 'sub'; lines: string[] }
  | { kind: 'done' };

export interface ShopEpisode {
  /** The instruction as shown, including any price clause. */
  instruction: string;
  /** Executed actions so far, oldest first (normalised `verb[arg]`). */
  actions: string[];
  /** The page the agent is on (the last observation that reads as a page). */
  page: PageView;
  /** ASINs opened so far, upper case. */
  visited: Set<string>;
  /** Lower-cased queries searched so far. */
  searches: Set<string>;
  /** The product currently open (item or sub-page), upper case. */
  currentAsin: string | undefined;
  /** Option values clicked on the current product since it was opened (lower case). */
  chosen: Set<string>;
  /** Sub-pages (description, features, ...) looked at on the current product. */
  subpagesSeen: Set<string>;
}

const SEP = ' [SEP] ';
const ASIN = /^[A-Z0-9]{10}$/;
const PAGE_HEADER = /^Page (\d+) \(Total results: (\d+)\)$/;
const ITEM_BUTTONS = new Set(['Description', 'Features', 'Reviews', 'Attributes', 'Buy Now']);

/** Reads "$12.99", "$19.99 to $27.99" or "Price: $5" as its lowest price. */
export function readPrice(text: string): number {
  const m = /\$\s*([\d,]*\.?\d+)/.exec(text);
  return m ? Number((m[1] ?? '').replace(/,/g, '')) : Number.NaN;
}

function stripObservationLabel(content: string): string {
  return content.replace(/^\s*observation\s*\d*\s*:\s*/i, '').trim();
}

function instructionOf(segments: readonly string[]): string | undefined {
  const i = segments.indexOf('Instruction:');
  return i >= 0 ? segments[i + 1] : undefined;
}

/**
 * Parses one page's [SEP] text; undefined when it is not a shop page (e.g. "Invalid action!").
 * Without `entries` a results page comes back with no result list (pages the agent has left
 * need only their kind).
 */
export function readPage(text: string, entries = true): PageView | undefined {
  const segments = text.split(SEP).map((s) => s.trim());
  if (segments[0] === 'WebShop' && segments.includes('Search')) return { kind: 'init' };
  if (segments.some((s) => s.startsWith('Thank you for shopping'))) return { kind: 'done' };
  const headerAt = segments.findIndex((s) => PAGE_HEADER.test(s));
  if (headerAt >= 0) {
    const m = PAGE_HEADER.exec(segments[headerAt] ?? '')!;
    const results: ResultEntry[] = [];
    for (let i = headerAt + 1; entries && i < segments.length; i++) {
      const s = segments[i] ?? '';
      if (!ASIN.test(s) || i + 1 >= segments.length) continue;
      const title = segments[i + 1] ?? '';
      const priceText = segments[i + 2] ?? '';
      results.push({ asin: s, title, price: readPrice(priceText) });
      i += priceText.startsWith('$') ? 2 : 1;
    }
    return {
      kind: 'results',
      page: Number(m[1]),
      total: Number(m[2]),
      results,
      hasPrev: segments.includes('< Prev'),
    };
  }
  const prevAt = segments.indexOf('< Prev');
  if (prevAt < 0) return undefined;
  const priceAt = segments.findIndex((s, i) => i > prevAt && s.startsWith('Price: '));
  if (priceAt > prevAt && segments.includes('Buy Now')) {
    const title = segments[priceAt - 1] ?? '';
    return {
      kind: 'item',
      title,
      price: readPrice(segments[priceAt] ?? ''),
      options: optionGroups(segments.slice(prevAt + 1, priceAt - 1)),
      buttons: segments.slice(priceAt + 1).filter((s) => ITEM_BUTTONS.has(s)),
    };
  }
  return { kind: 'sub', lines: segments.slice(prevAt + 1).filter(Boolean) };
}

/**
 * Option names are headings and values are radio labels, but the text shows both as plain
 * segments. A segment is read as a name when it is a common option name; the first segment
 * always is one.
 */
const OPTION_NAMES =
  /^(colou?r|size|style|flavou?r|flavor name|scent|scent name|pattern|pattern name|material|material type|item package quantity|number of items|package quantity|capacity|configuration|fit type|length|size name|color name|style name|team name|unit count|package type|wattage|voltage)$/;

function optionGroups(segments: readonly string[]): OptionGroup[] {
  const groups: OptionGroup[] = [];
  for (const s of segments) {
    if (!s) continue;
    const last = groups[groups.length - 1];
    if (!last || (OPTION_NAMES.test(s) && last.values.length > 0))
      groups.push({ name: s, values: [] });
    else last.values.push(s);
  }
  return groups.filter((g) => g.values.length > 0);
}

function argumentOf(action: string): { verb: string; arg: string } {
  const m = /^([A-Za-z_]+)\[(.*)\]$/s.exec(action);
  return m
    ? { verb: (m[1] ?? '').toLowerCase(), arg: m[2] ?? '' }
    : { verb: action.toLowerCase(), arg: '' };
}

/** The episode as the agent has seen it; undefined when no start page is in the conversation. */
export function readShopEpisode(messages: readonly Message[]): ShopEpisode | undefined {
  let start = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user' && /^\s*WebShop \[SEP\] Instruction:/.test(m.content)) {
      start = i;
      break;
    }
  }
  if (start < 0) return undefined;
  const task = messages[start]?.content.trim() ?? '';
  const episode: ShopEpisode = {
    instruction: instructionOf(task.split(SEP)) ?? '',
    actions: [],
    page: { kind: 'init' },
    visited: new Set(),
    searches: new Set(),
    currentAsin: undefined,
    chosen: new Set(),
    subpagesSeen: new Set(),
  };
  let pending: string | undefined;
  let lastPage: string | undefined;
  for (const m of messages.slice(start + 1)) {
    if (m.role === 'assistant') {
      pending = parseAction(m.content);
      continue;
    }
    if (m.role !== 'user' || pending === undefined) continue;
    const text = stripObservationLabel(m.content);
    const page = readPage(text, false);
    episode.actions.push(pending);
    if (page) {
      applyStep(episode, pending, page);
      lastPage = text;
    }
    pending = undefined;
  }
  // Only the page the agent is on is read in full.
  if (lastPage !== undefined) episode.page = readPage(lastPage) ?? episode.page;
  return episode;
}

/** Updates what the agent tracks after an action whose result was a readable page. */
function applyStep(episode: ShopEpisode, action: string, page: PageView): void {
  const { verb, arg } = argumentOf(action);
  const before = episode.page;
  episode.page = page;
  if (verb === 'search') episode.searches.add(arg.toLowerCase().trim());
  if (page.kind !== 'item' && page.kind !== 'sub') {
    episode.currentAsin = undefined;
    episode.chosen = new Set();
    episode.subpagesSeen = new Set();
    return;
  }
  if (verb !== 'click') return;
  const target = arg.trim();
  if (before.kind === 'results' && page.kind === 'item' && ASIN.test(target.toUpperCase())) {
    episode.currentAsin = target.toUpperCase();
    episode.visited.add(episode.currentAsin);
    episode.chosen = new Set();
    episode.subpagesSeen = new Set();
  } else if (before.kind === 'item' && page.kind === 'sub') {
    episode.subpagesSeen.add(target.toLowerCase());
  } else if (before.kind === 'item' && page.kind === 'item') {
    const value = target.toLowerCase();
    const group = page.options.find((g) => g.values.includes(value));
    if (group) {
      for (const v of group.values) episode.chosen.delete(v);
      episode.chosen.add(value);
    }
  }
}
