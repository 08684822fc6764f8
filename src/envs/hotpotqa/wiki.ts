/** Where the HotPotQA env reads its "Wikipedia" pages from (offline paragraphs or the live API). */

/** Outcome of `Search[entity]`. */
export type SearchOutcome =
  | { kind: 'page'; title: string; sentences: readonly string[] }
  | { kind: 'miss'; similar: readonly string[] };

export interface WikiSource {
  /** Human-readable description for reports. */
  readonly description: string;
  search(entity: string): Promise<SearchOutcome>;
  /** The sentences of a page previously returned by `search` (for Lookup after a resume). */
  sentences(title: string): Promise<readonly string[]>;
}

/** How many titles a miss lists, and how many sentences a hit shows (as the official env). */
export const SIMILAR_LIMIT = 5;
export const PAGE_PREVIEW_SENTENCES = 5;
