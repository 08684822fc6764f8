/**
 * The WebShop heuristic: a stochastic shopper that reads only the conversation. It
 * searches with words of the instruction (a varying selection of them), opens results
 * whose titles share the instruction's words (noisily, with a price check), selects the
 * options the instruction names, sometimes reads a product's description or features,
 * and buys. It is meant to be fallible, so that among n candidates there is often a
 * better and a worse one.
 *
 * Thoughts come from a fixed set of plain templates per move kind: they describe the
 * move, never how it was chosen, so a Q-model cannot read quality off the thought.
 */
import type { Message } from '../../core/messages.js';
import type { Rng } from '../../core/rng.js';
import { canonicalText } from '../parse.js';
import {
  asksForOption,
  optionMention,
  readRequest,
  titleMatch,
  type Request,
} from './webshop-match.js';
import {
  readShopEpisode,
  type OptionGroup,
  type PageView,
  type ShopEpisode,
} from './webshop-read.js';
import { fill, type Move } from './sampling.js';

/** Depth the shopper plans for (the env's default limit). */
const DEPTH = 10;

/** A drawn move whose thought is written only if it is the one chosen. */
interface DrawnMove {
  template: string;
  values: Record<string, string>;
  action: string;
  weight: number;
}

function move(
  rng: Rng,
  templates: readonly string[],
  values: Record<string, string>,
  action: string,
  weight: number,
): DrawnMove {
  return { template: rng.pick(templates), values, action, weight };
}

const SEARCH_FIRST = [
  'I need to search for {q}.',
  'Let me search the shop for {q}.',
  'I will start by searching for {q}.',
];
const SEARCH_AGAIN = [
  'Let me search for {q}.',
  'I will search for {q} instead.',
  'I will try the search {q}.',
];
const OPEN = [
  '{a} looks like it could fit the request. Let me open it.',
  'I will check {a}, "{t}".',
  '{a} seems relevant to what the customer wants. I will open it.',
];
const NEXT_PAGE = [
  'Let me look at the next page of results.',
  'I will see what else is on the next page.',
];
const PREV_PAGE = ['Let me go back to the previous page of results.'];
const CHOOSE = [
  'I need to pick the {n}: {v}.',
  'I will select {v} for the {n}.',
  'The {n} should be {v}.',
];
const BUY = [
  'This product fits the request, so I will buy it.',
  'Everything is set. I will click Buy Now.',
  'I am ready to buy this one.',
];
const BACK = [
  'Let me go back and look at the other results.',
  'I will return to the results and compare other products.',
];
const READ = [
  'Let me read the {s} to check the details.',
  'I will look at the {s} of this product.',
];
const RETURN = ['Let me return to the product page.', 'I have read enough, back to the product.'];

/** A query from the request's words: all of them, a random selection, or a run of them. */
function drawQuery(request: Request, rng: Rng): string {
  const words = request.words.length ? request.words : ['product'];
  const style = rng.weightedIndex([0.4, 0.35, 0.25]);
  let chosen: string[];
  if (style === 0) {
    chosen = words.slice(0, 10);
  } else if (style === 1) {
    chosen = words.filter(() => rng.chance(0.65));
    if (chosen.length < 2) chosen = words.slice(0, 3);
  } else {
    const len = Math.min(words.length, 2 + rng.int(4));
    const start = rng.int(words.length - len + 1);
    chosen = words.slice(start, start + len);
  }
  return chosen.join(' ');
}

function searchMoves(ep: ShopEpisode, request: Request, rng: Rng, weight: number): DrawnMove[] {
  const moves: DrawnMove[] = [];
  const templates = ep.searches.size === 0 ? SEARCH_FIRST : SEARCH_AGAIN;
  for (let i = 0; i < 3; i++) {
    const q = drawQuery(request, rng);
    if (ep.searches.has(q)) continue;
    moves.push(move(rng, templates, { q }, `search[${q}]`, weight / 3));
  }
  if (moves.length === 0) {
    const q = drawQuery(request, rng);
    moves.push(move(rng, templates, { q }, `search[${q}]`, weight / 10));
  }
  return moves;
}

function shorten(title: string): string {
  const words = title.split(/\s+/);
  return words.length <= 8 ? title : `${words.slice(0, 8).join(' ')}...`;
}

/** How each result fits the request, computed once per propose call (the n candidates share it). */
interface ResultsReading {
  opens: Array<{ asin: string; short: string; weight: number }>;
  best: number;
}

function readResults(
  ep: ShopEpisode,
  page: Extract<PageView, { kind: 'results' }>,
  request: Request,
): ResultsReading {
  let best = 0;
  const opens = page.results.map((r) => {
    const score = titleMatch(request, r.title);
    best = Math.max(best, score);
    const affordable = !(r.price > request.priceLimit);
    const seen = ep.visited.has(r.asin);
    const weight = Math.exp(6 * score) * (affordable ? 1 : 0.15) * (seen ? 0.1 : 1);
    return { asin: r.asin, short: shorten(r.title), weight };
  });
  return { opens, best };
}

function resultsMoves(
  ep: ShopEpisode,
  page: Extract<PageView, { kind: 'results' }>,
  reading: ResultsReading,
  request: Request,
  rng: Rng,
): DrawnMove[] {
  const moves: DrawnMove[] = [];
  const best = reading.best;
  for (const r of reading.opens)
    moves.push(move(rng, OPEN, { a: r.asin, t: r.short }, `click[${r.asin}]`, r.weight));
  const openMass = moves.reduce((s, m) => s + m.weight, 0) || 1;
  const stepsLeft = DEPTH - ep.actions.length;
  const weak = best < 0.5;
  const more = page.page * 10 < page.total;
  if (more && stepsLeft > 3)
    moves.push(move(rng, NEXT_PAGE, {}, 'click[Next >]', openMass * (weak ? 0.25 : 0.04)));
  if (page.hasPrev && stepsLeft > 3)
    moves.push(move(rng, PREV_PAGE, {}, 'click[< Prev]', openMass * 0.02));
  if (stepsLeft > 3 && ep.searches.size < 3)
    moves.push(...searchMoves(ep, request, rng, openMass * (weak ? 0.35 : 0.06)));
  return moves;
}

/** For each option group: the value the request names best, with how clearly (0 if none). */
function wantedOptions(
  groups: readonly OptionGroup[],
  request: Request,
): Array<{ group: OptionGroup; value: string; clarity: number }> {
  return groups.map((group) => {
    let value = group.values[0] ?? '';
    let clarity = 0;
    for (const v of group.values) {
      const c = optionMention(request, v);
      if (c > clarity || (c === clarity && c > 0 && v.length > value.length)) {
        value = v;
        clarity = c;
      }
    }
    return { group, value, clarity };
  });
}

/** How the product page fits the request, computed once per propose call. */
interface ItemReading {
  fit: number;
  wanted: ReturnType<typeof wantedOptions>;
}

function readItem(page: Extract<PageView, { kind: 'item' }>, request: Request): ItemReading {
  return { fit: titleMatch(request, page.title), wanted: wantedOptions(page.options, request) };
}

function itemMoves(
  ep: ShopEpisode,
  page: Extract<PageView, { kind: 'item' }>,
  reading: ItemReading,
  request: Request,
  rng: Rng,
): DrawnMove[] {
  const moves: DrawnMove[] = [];
  const stepsLeft = DEPTH - ep.actions.length;
  const fit = reading.fit;
  const affordable = !(page.price > request.priceLimit);
  let missing = 0;
  let unavailable = 0;
  for (const { group, value, clarity } of reading.wanted) {
    const picked = group.values.find((v) => ep.chosen.has(v));
    if (clarity < 0.6 && asksForOption(request, group.name)) unavailable++;
    if (clarity >= 0.6) {
      if (picked === value) continue;
      missing++;
      moves.push(move(rng, CHOOSE, { n: group.name, v: value }, `click[${value}]`, 3 * clarity));
      // A slip: another value of the same group.
      const other = group.values.filter((v) => v !== value);
      if (other.length) {
        const v = rng.pick(other);
        moves.push(move(rng, CHOOSE, { n: group.name, v }, `click[${v}]`, 0.35));
      }
    } else if (!picked) {
      // Not named in the request: now and then the shopper still picks one.
      const v = rng.pick(group.values);
      moves.push(move(rng, CHOOSE, { n: group.name, v }, `click[${v}]`, 0.12));
    }
  }
  let buy =
    (missing === 0 ? 2.5 : 0.25) * (0.2 + fit) * (affordable ? 1 : 0.3) * 0.5 ** unavailable;
  if (stepsLeft <= 2) buy *= 20;
  moves.push(move(rng, BUY, {}, 'click[Buy Now]', buy));
  if (stepsLeft > 2) {
    moves.push(
      move(
        rng,
        BACK,
        {},
        'click[< Prev]',
        0.1 + 1.2 * (1 - fit) + (affordable ? 0 : 0.8) + 0.6 * unavailable,
      ),
    );
    for (const s of page.buttons) {
      if (s === 'Buy Now' || s === 'Reviews' || ep.subpagesSeen.has(s.toLowerCase())) continue;
      moves.push(move(rng, READ, { s: s.toLowerCase() }, `click[${s}]`, 0.15));
    }
  }
  return moves;
}

/** Draws one candidate's move; `prepare` has read the page once for all of them. */
type MoveDrawer = (rng: Rng) => Move;

function moveDrawer(ep: ShopEpisode, request: Request): MoveDrawer {
  const page = ep.page;
  let draw: (rng: Rng) => DrawnMove[];
  switch (page.kind) {
    case 'results': {
      const reading = readResults(ep, page, request);
      draw = (rng) => resultsMoves(ep, page, reading, request, rng);
      break;
    }
    case 'item': {
      const reading = readItem(page, request);
      draw = (rng) => itemMoves(ep, page, reading, request, rng);
      break;
    }
    case 'sub':
      draw = (rng) => [move(rng, RETURN, {}, 'click[< Prev]', 1)];
      break;
    default:
      draw = (rng) => searchMoves(ep, request, rng, 1);
  }
  return (rng) => {
    let moves = draw(rng);
    if (moves.length === 0) moves = searchMoves(ep, request, rng, 1);
    const chosen = moves[rng.weightedIndex(moves.map((m) => m.weight))] as DrawnMove;
    return {
      thought: fill(chosen.template, chosen.values),
      action: chosen.action,
      weight: chosen.weight,
    };
  };
}

export function sampleWebshopStep(messages: readonly Message[], rng: Rng): string {
  return prepareWebshopStep(messages)(rng);
}

/** Reads the conversation, the request and the page once; the drawer samples one reply. */
export function prepareWebshopStep(messages: readonly Message[]): (rng: Rng) => string {
  const ep = readShopEpisode(messages);
  if (!ep) return () => canonicalText('I should search for the product first.', 'search[product]');
  const drawMove = moveDrawer(ep, readRequest(ep.instruction));
  return (rng) => {
    const chosen = drawMove(rng);
    return canonicalText(chosen.thought, chosen.action);
  };
}
