/**
 * An in-memory BM25 inverted index over pre-analysed terms. Parameterised so it can
 * serve both a plain retrieval score (HotPotQA's similar titles) and a Lucene-faithful
 * one (WebShop: k1 0.9, b 0.4, one-byte length norms, float32 scores, ties by id).
 */
export interface Bm25Options {
  k1: number;
  b: number;
  /** Maps a document's term count to the length used in scoring (Lucene quantises it). */
  scoredLength?: (termCount: number) => number;
  /** Round per-term and total scores to float32, as Lucene does (affects ties only). */
  float32?: boolean;
}

export interface Bm25Hit {
  id: string;
  /** Position of the document in insertion order. */
  index: number;
  score: number;
}

interface Postings {
  docs: number[];
  tfs: number[];
}

export class Bm25Index {
  private readonly opts: Required<Bm25Options>;
  private readonly ids: string[] = [];
  private readonly lengths: number[] = [];
  private readonly postings = new Map<string, Postings>();
  private totalTerms = 0;
  private scratch = new Float64Array(0);
  private normCache: Float64Array | undefined;
  /** Position of each document's id in string order, so ties compare integers (built on first search). */
  private idRankCache: Int32Array | undefined;

  constructor(options: Bm25Options) {
    this.opts = {
      k1: options.k1,
      b: options.b,
      scoredLength: options.scoredLength ?? ((n) => n),
      float32: options.float32 ?? false,
    };
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds a document; returns its index. */
  add(id: string, terms: readonly string[]): number {
    const index = this.ids.length;
    this.ids.push(id);
    this.lengths.push(this.opts.scoredLength(terms.length));
    this.totalTerms += terms.length;
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, tf] of counts) {
      let p = this.postings.get(term);
      if (!p) {
        p = { docs: [], tfs: [] };
        this.postings.set(term, p);
      }
      p.docs.push(index);
      p.tfs.push(tf);
    }
    this.normCache = undefined;
    this.idRankCache = undefined;
    return index;
  }

  idOf(index: number): string {
    return this.ids[index] as string;
  }

  /** Number of documents containing the term. */
  docFreq(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }

  private norms(): Float64Array {
    if (this.normCache) return this.normCache;
    const n = this.ids.length;
    const avgdl = n === 0 ? 1 : this.totalTerms / n || 1;
    const { k1, b } = this.opts;
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) norms[i] = k1 * (1 - b + (b * (this.lengths[i] as number)) / avgdl);
    this.normCache = norms;
    return norms;
  }

  private idRanks(): Int32Array {
    if (this.idRankCache) return this.idRankCache;
    const order = Array.from({ length: this.ids.length }, (_, i) => i);
    const ids = this.ids;
    order.sort((a, b) =>
      (ids[a] as string) < (ids[b] as string)
        ? -1
        : (ids[a] as string) > (ids[b] as string)
          ? 1
          : a - b,
    );
    const ranks = new Int32Array(order.length);
    order.forEach((doc, rank) => {
      ranks[doc] = rank;
    });
    this.idRankCache = ranks;
    return ranks;
  }

  /**
   * Top `limit` documents for the analysed query terms. A term repeated c times in the
   * query weighs c times (Lucene's boosted SHOULD clause). Documents that match no term
   * are never returned. Ties go to the smaller id (string order).
   */
  search(queryTerms: readonly string[], limit: number): Bm25Hit[] {
    const n = this.ids.length;
    if (n === 0 || limit <= 0) return [];
    const boosts = new Map<string, number>();
    for (const t of queryTerms) boosts.set(t, (boosts.get(t) ?? 0) + 1);
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    const scores = this.scratch;
    const touched: number[] = [];
    const norms = this.norms();
    const useF32 = this.opts.float32;
    for (const [term, boost] of boosts) {
      const p = this.postings.get(term);
      if (!p) continue;
      const df = p.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const docs = p.docs;
      const tfs = p.tfs;
      // Two copies of the hot loop so the float32 rounding costs nothing when it is off.
      if (useF32) {
        const weight = Math.fround(boost * Math.fround(idf));
        for (let k = 0; k < df; k++) {
          const doc = docs[k] as number;
          const tf = tfs[k] as number;
          const termScore = Math.fround(weight * Math.fround(tf / (tf + (norms[doc] as number))));
          if (scores[doc] === 0) touched.push(doc);
          scores[doc] = (scores[doc] as number) + termScore;
        }
      } else {
        const weight = boost * idf;
        for (let k = 0; k < df; k++) {
          const doc = docs[k] as number;
          const tf = tfs[k] as number;
          if (scores[doc] === 0) touched.push(doc);
          scores[doc] = (scores[doc] as number) + weight * (tf / (tf + (norms[doc] as number)));
        }
      }
    }
    if (useF32) for (const doc of touched) scores[doc] = Math.fround(scores[doc] as number);
    const best = topKDocs(touched, limit, scores, this.idRanks());
    const hits = best.map((index) => ({
      id: this.ids[index] as string,
      index,
      score: scores[index] as number,
    }));
    for (const doc of touched) scores[doc] = 0;
    return hits;
  }
}

/**
 * The best `k` documents by (score desc, id asc; ids compared through their precomputed ranks), with a bounded min-heap of document
 * indices so only the final k become hit objects (large candidate sets stay cheap).
 */
function topKDocs(
  docs: readonly number[],
  k: number,
  scores: Float64Array,
  idRank: Int32Array,
): number[] {
  const better = (a: number, b: number): boolean => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa > sb || (sa === sb && (idRank[a] as number) < (idRank[b] as number));
  };
  const heap: number[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!better(heap[p] as number, heap[i] as number)) break;
      const t = heap[i] as number;
      heap[i] = heap[p] as number;
      heap[p] = t;
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && better(heap[m] as number, heap[l] as number)) m = l;
      if (r < heap.length && better(heap[m] as number, heap[r] as number)) m = r;
      if (m === i) return;
      const t = heap[i] as number;
      heap[i] = heap[m] as number;
      heap[m] = t;
      i = m;
    }
  };
  for (const doc of docs) {
    if (heap.length < k) {
      heap.push(doc);
      up(heap.length - 1);
    } else if (
      (scores[doc] as number) >= (scores[heap[0] as number] as number) &&
      better(doc, heap[0] as number)
    ) {
      heap[0] = doc;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}
