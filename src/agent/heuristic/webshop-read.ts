/**
 * What the WebShop heuristic knows at a decision point, read only from the conversation:
 * the task message (the last user turn that is a start page, so the few-shot example
 * before it is ignored), the actions taken since, and the pages shown as [SEP] text.
 */
import type { Message } from '../../core/messages.js';
import { isJsWhitespace } from '../../text/whitespace.js';
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

/** Calls `visit` with each [SEP] segment's trimmed span [a, b), in order: the segments of
 * `text.split(SEP).map((s) => s.trim())`, without cutting any of them out. */
function forEachSegment(text: string, visit: (a: number, b: number) => void): void {
  for (let from = 0; ;) {
    const at = text.indexOf(SEP, from);
    let a = from;
    let b = at < 0 ? text.length : at;
    while (a < b && isJsWhitespace(text.charCodeAt(a))) a++;
    while (b > a && isJsWhitespace(text.charCodeAt(b - 1))) b--;
    visit(a, b);
    if (at < 0) return;
    from = at + SEP.length;
  }
}

/**
 * A page's [SEP] segments as trimmed spans of its text, without cutting it into strings: the
 * heuristic re-reads every page of the conversation at each decision, and most of them only
 * for their kind. The same segments as `text.split(SEP).map((s) => s.trim())`.
 */
export class PageSegments {
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  constructor(readonly text: string) {
    forEachSegment(text, (a, b) => {
      this.starts.push(a);
      this.ends.push(b);
    });
  }

  /** The page's kind (the rule of KindSigns). */
  kind(): PageView['kind'] | undefined {
    const signs = new KindSigns();
    for (let i = 0; i < this.length; i++)
      signs.see(this.text, this.starts[i] as number, this.ends[i] as number);
    return signs.kind();
  }

  get length(): number {
    return this.starts.length;
  }

  at(i: number): string {
    return this.text.slice(this.starts[i], this.ends[i]);
  }

  is(i: number, value: string): boolean {
    return spanIs(this.text, this.starts[i] as number, this.ends[i] as number, value);
  }

  startsWith(i: number, prefix: string): boolean {
    return spanStarts(this.text, this.starts[i] as number, this.ends[i] as number, prefix);
  }

  indexOf(value: string, from = 0): number {
    for (let i = from; i < this.length; i++) if (this.is(i, value)) return i;
    return -1;
  }
}

/** Whether text[a, b) is `value`. */
function spanIs(text: string, a: number, b: number, value: string): boolean {
  return b - a === value.length && text.startsWith(value, a);
}

/** Whether text[a, b) starts with `prefix`. */
function spanStarts(text: string, a: number, b: number, prefix: string): boolean {
  return b - a >= prefix.length && text.startsWith(prefix, a);
}

/**
 * What tells a page's kind, gathered segment by segment: a start page begins with "WebShop"
 * and has a Search button; a done page thanks the shopper; a results page has a
 * "Page N (Total results: M)" header; an item page has "< Prev", a price after it and
 * "Buy Now"; any other page with "< Prev" is a sub-page; the rest are no shop page.
 */
class KindSigns {
  private first = true;
  private webshopFirst = false;
  private done = false;
  private search = false;
  private header = false;
  private prev = false;
  private priceAfterPrev = false;
  private buyNow = false;

  /** The next segment, text[a, b). */
  see(text: string, a: number, b: number): void {
    if (this.first) this.webshopFirst = spanIs(text, a, b, 'WebShop');
    this.first = false;
    this.done ||= spanStarts(text, a, b, 'Thank you for shopping');
    this.search ||= spanIs(text, a, b, 'Search');
    this.header ||= spanStarts(text, a, b, 'Page ') && PAGE_HEADER.test(text.slice(a, b));
    if (this.prev) this.priceAfterPrev ||= spanStarts(text, a, b, 'Price: ');
    else this.prev = spanIs(text, a, b, '< Prev');
    this.buyNow ||= spanIs(text, a, b, 'Buy Now');
  }

  kind(): PageView['kind'] | undefined {
    if (this.webshopFirst && this.search) return 'init';
    if (this.done) return 'done';
    if (this.header) return 'results';
    if (!this.prev) return undefined;
    return this.priceAfterPrev && this.buyNow ? 'item' : 'sub';
  }
}

/**
 * readPage(text)?.kind in one pass over the segments, cutting none of them into strings but
 * a possible results header: the kind is all the heuristic needs of most pages it re-reads.
 */
export function pageKind(text: string): PageView['kind'] | undefined {
  const signs = new KindSigns();
  forEachSegment(text, (a, b) => signs.see(text, a, b));
  return signs.kind();
}

/**
 * Parses one page's [SEP] text; undefined when it is not a shop page (e.g. "Invalid action!").
 * Without `entries` a results page comes back with no result list (pages the agent has left
 * need only their kind).
 */
export function readPage(text: string, entries = true): PageView | undefined {
  const segments = new PageSegments(text);
  const n = segments.length;
  const kind = segments.kind();
  if (kind === undefined) return undefined;
  if (kind === 'init' || kind === 'done') return { kind };
  // The segments each kind is built from are there: KindSigns saw them.
  if (kind === 'results') {
    for (let i = 0; ; i++) {
      const m = segments.startsWith(i, 'Page ') ? PAGE_HEADER.exec(segments.at(i)) : null;
      if (m) return resultsPage(segments, i, m, entries);
    }
  }
  const prevAt = segments.indexOf('< Prev');
  if (kind === 'sub') {
    const lines: string[] = [];
    for (let i = prevAt + 1; i < n; i++)
      if (segments.ends[i] !== segments.starts[i]) lines.push(segments.at(i));
    return { kind, lines };
  }
  let priceAt = prevAt + 1;
  while (!segments.startsWith(priceAt, 'Price: ')) priceAt++;
  const buttons: string[] = [];
  for (let i = priceAt + 1; i < n; i++) {
    const s = segments.at(i);
    if (ITEM_BUTTONS.has(s)) buttons.push(s);
  }
  const options: string[] = [];
  for (let i = prevAt + 1; i < priceAt - 1; i++) options.push(segments.at(i));
  return {
    kind,
    title: segments.at(priceAt - 1),
    price: readPrice(segments.at(priceAt)),
    options: optionGroups(options),
    buttons,
  };
}

function resultsPage(
  segments: PageSegments,
  headerAt: number,
  header: RegExpExecArray,
  entries: boolean,
): PageView {
  const results: ResultEntry[] = [];
  const n = segments.length;
  for (let i = headerAt + 1; entries && i < n; i++) {
    if (i + 1 >= n) continue;
    const s = segments.at(i);
    if (!ASIN.test(s)) continue;
    const title = segments.at(i + 1);
    const priceText = i + 2 < n ? segments.at(i + 2) : '';
    results.push({ asin: s, title, price: readPrice(priceText) });
    i += priceText.startsWith('$') ? 2 : 1;
  }
  return {
    kind: 'results',
    page: Number(header[1]),
    total: Number(header[2]),
    results,
    hasPrev: segments.indexOf('< Prev') >= 0,
  };
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
  let kind: PageView['kind'] = 'init';
  for (const m of messages.slice(start + 1)) {
    if (m.role === 'assistant') {
      pending = parseAction(m.content);
      continue;
    }
    if (m.role !== 'user' || pending === undefined) continue;
    const text = stripObservationLabel(m.content);
    const next = pageKind(text);
    episode.actions.push(pending);
    if (next) {
      applyStep(episode, pending, kind, next, () => readItemOptions(text));
      kind = next;
      lastPage = text;
    }
    pending = undefined;
  }
  // Only the page the agent is on is read in full.
  if (lastPage !== undefined) episode.page = readPage(lastPage) ?? episode.page;
  return episode;
}

function readItemOptions(text: string): OptionGroup[] {
  const page = readPage(text, false);
  return page?.kind === 'item' ? page.options : [];
}

/**
 * Updates what the agent tracks after an action whose result was a readable page of kind
 * `page` (from a page of kind `before`); the new page's options are read only when a click
 * on an item page chose one.
 */
function applyStep(
  episode: ShopEpisode,
  action: string,
  before: PageView['kind'],
  page: PageView['kind'],
  optionsOf: () => OptionGroup[],
): void {
  const { verb, arg } = argumentOf(action);
  if (verb === 'search') episode.searches.add(arg.toLowerCase().trim());
  if (page !== 'item' && page !== 'sub') {
    episode.currentAsin = undefined;
    episode.chosen.clear();
    episode.subpagesSeen.clear();
    return;
  }
  if (verb !== 'click') return;
  const target = arg.trim();
  if (before === 'results' && page === 'item' && ASIN.test(target.toUpperCase())) {
    episode.currentAsin = target.toUpperCase();
    episode.visited.add(episode.currentAsin);
    episode.chosen.clear();
    episode.subpagesSeen.clear();
  } else if (before === 'item' && page === 'sub') {
    episode.subpagesSeen.add(target.toLowerCase());
  } else if (before === 'item' && page === 'item') {
    const value = target.toLowerCase();
    const group = optionsOf().find((g) => g.values.includes(value));
    if (group) {
      for (const v of group.values) episode.chosen.delete(v);
      episode.chosen.add(value);
    }
  }
}
