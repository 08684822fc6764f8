/**
 * The offline "Wikipedia": every context paragraph of the loaded data, deduplicated by
 * title (the first occurrence wins), looked up by normalised title, with a BM25 index over
 * title + text to list similar titles on a miss.
 */
import { Bm25Index } from '../../text/bm25.js';
import { analyze, titleKey } from './text.js';
import { SIMILAR_LIMIT, type SearchOutcome, type WikiSource } from './wiki.js';

export interface Paragraph {
  title: string;
  sentences: readonly string[];
}

export class OfflineWiki implements WikiSource {
  readonly description: string;
  private readonly byTitle = new Map<string, Paragraph>();
  private readonly byKey = new Map<string, Paragraph>();
  private readonly index = new Bm25Index({ k1: 1.2, b: 0.75 });

  constructor(paragraphs: Iterable<Paragraph>, description = 'offline paragraphs') {
    for (const p of paragraphs) {
      if (this.byTitle.has(p.title)) continue;
      // Sentences are stored trimmed (HotpotQA keeps each sentence's leading space).
      const page: Paragraph = {
        title: p.title,
        sentences: Object.freeze(p.sentences.map((s) => s.trim()).filter(Boolean)),
      };
      this.byTitle.set(p.title, page);
      const key = titleKey(p.title);
      if (!this.byKey.has(key)) this.byKey.set(key, page);
      this.index.add(p.title, analyze(`${p.title} ${page.sentences.join(' ')}`));
    }
    this.description = `${description} (${this.byTitle.size} pages)`;
  }

  get size(): number {
    return this.byTitle.size;
  }

  titles(): string[] {
    return [...this.byTitle.keys()];
  }

  async search(entity: string): Promise<SearchOutcome> {
    const page = this.byKey.get(titleKey(entity));
    if (page) return { kind: 'page', title: page.title, sentences: page.sentences };
    const hits = this.index.search(analyze(entity), SIMILAR_LIMIT);
    return { kind: 'miss', similar: hits.map((h) => h.id) };
  }

  async sentences(title: string): Promise<readonly string[]> {
    return this.byTitle.get(title)?.sentences ?? [];
  }
}
