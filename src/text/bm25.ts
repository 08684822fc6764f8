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
    const f32 = this.opts.float32 ? Math.fround : (x: number) => x;
    for (const [term, boost] of boosts) {
      const p = this.postings.get(term);
      if (!p) continue;
      const df = p.docs.length;
      const weight = f32(boost * f32(Math.log(1 + (n - df + 0.5) / (df + 0.5))));
      for (let k = 0; k < df; k++) {
        const doc = p.docs[k] as number;
        const tf = p.tfs[k] as number;
        const termScore = f32(weight * f32(tf / (tf + (norms[doc] as number))));
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = (scores[doc] as number) + termScore;
      }
    }
    const hits: Bm25Hit[] = touched.map((index) => ({ id: this.ids[index] as string, index, score: f32(scores[index] as number) }));
    for (const doc of touched) scores[doc] = 0;
    return topK(hits, limit);
  }
}

function better(a: Bm25Hit, b: Bm25Hit): boolean {
  return a.score > b.score || (a.score === b.score && a.id < b.id);
}

/** Best `k` hits in order, with a bounded heap so large candidate sets stay cheap. */
function topK(hits: Bm25Hit[], k: number): Bm25Hit[] {
  if (hits.length <= k * 4) return hits.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0)).slice(0, k);
  // Min-heap (worst at the root) of the k best so far.
  const heap: Bm25Hit[] = [];
  const worse = (i: number, j: number) => better(heap[j] as Bm25Hit, heap[i] as Bm25Hit);
  const swap = (i: number, j: number) => {
    const t = heap[i] as Bm25Hit;
    heap[i] = heap[j] as Bm25Hit;
    heap[j] = t;
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(i, p)) break;
      swap(i, p);
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (const h of hits) {
    if (heap.length < k) {
      heap.push(h);
      up(heap.length - 1);
    } else if (better(h, heap[0] as Bm25Hit)) {
      heap[0] = h;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}
