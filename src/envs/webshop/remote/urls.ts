/**
 * The official WebShop Flask app's routes (docs/method.md#webshop-http-client) for a client-side page state.
 * Keywords travel as the Python repr of the keyword list and options as the repr of a
 * dict, as the app's own links do; the app reads both back with `literal_eval`.
 */
import { pythonStrRepr } from '../../../text/python-repr.js';

export type RemotePage = 'init' | 'results' | 'item' | 'sub' | 'done';

/** Where the agent is. Everything is in the state, so any tree node re-requests its own page. */
export interface RemoteWebshopState {
  /** Task id, which is also the server session id (`fixed_{i}`). */
  task: string;
  page: RemotePage;
  /** Lower-cased search keywords (`arg.split(' ')`), null before a search. */
  keywords: string[] | null;
  pageNum: number | null;
  asin: string | null;
  /** Chosen options, option name -> value, in click order (the app shows them in its own order). */
  options: Record<string, string>;
  /** `Description`, `Features`, `Reviews` or `Attributes` on a sub-page. */
  subPage: string | null;
  /** The score read from the done page. */
  reward: number | null;
}

/** Python `repr(list_of_str)`. */
export function pyReprList(items: readonly string[]): string {
  return `[${items.map(pythonStrRepr).join(', ')}]`;
}

/** Python `repr(dict_of_str)`, keys in insertion order. */
export function pyReprDict(obj: Readonly<Record<string, string>>): string {
  return `{${Object.entries(obj)
    .map(([k, v]) => `${pythonStrRepr(k)}: ${pythonStrRepr(v)}`)
    .join(', ')}}`;
}

/**
 * One path segment. Flask routes on the decoded path, so a "/" inside a value would split
 * it: keywords lose their slashes (the search analyser splits on them anyway).
 */
function segment(value: string): string {
  return encodeURIComponent(value);
}

function keywordSegment(keywords: readonly string[] | null): string {
  return segment(pyReprList((keywords ?? ['']).map((k) => k.replaceAll('/', ' '))));
}

/** The URL path (no base) of the page a state shows. */
export function pathOf(state: RemoteWebshopState): string {
  const session = segment(state.task);
  const kw = keywordSegment(state.keywords);
  const page = String(state.pageNum ?? 1);
  const asin = segment(state.asin ?? '');
  const options = segment(pyReprDict(state.options));
  switch (state.page) {
    case 'init':
      return `/${session}`;
    case 'results':
      return `/search_results/${session}/${kw}/${page}`;
    case 'item':
      return `/item_page/${session}/${asin}/${kw}/${page}/${options}`;
    case 'sub':
      return `/item_sub_page/${session}/${asin}/${kw}/${page}/${segment(state.subPage ?? 'Description')}/${options}`;
    case 'done':
      return `/done/${session}/${asin}/${options}`;
  }
}
