/**
 * Live Wikipedia through the MediaWiki Action API (search + plain-text extracts) instead
 * of the official env's HTML scraping through a hard-coded proxy (docs/method.md#hotpotqa-env, docs/method.md#shared-env-state).
 * Every response is cached on disk, keyed by the request URL, so a run can be replayed
 * without the network and tree nodes resumed later read the same page text.
 *
 * Search[e]: the page titled e (redirects followed); if that is missing or a
 * disambiguation page, the API's full-text search, where a result whose title matches e
 * after normalisation still counts as a hit (Wikipedia's "go" feature ignores case);
 * otherwise a miss listing the search's first 5 titles.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/fs.js';
import { splitSentences, titleKey } from './text.js';
import { SIMILAR_LIMIT, type SearchOutcome, type WikiSource } from './wiki.js';

export const DEFAULT_WIKI_URL = 'https://en.wikipedia.org/w/api.php';
const USER_AGENT = 'stepq/0.1 (research tool: HotPotQA agent environment; Node.js)';

export interface LiveWikiOptions {
  /** MediaWiki api.php URL; default English Wikipedia (the CLI passes $STEPQ_WIKI_URL). */
  baseUrl?: string;
  /** Folder of the response cache; default .stepq-cache/wiki. */
  cacheDir?: string;
  timeoutMs?: number;
  /** Extra attempts after a network error, a 429 or a 5xx. */
  retries?: number;
  retryDelayMs?: number;
}

const pageResponse = z.object({
  query: z
    .object({
      pages: z.array(
        z.object({
          title: z.string(),
          missing: z.boolean().optional(),
          invalid: z.boolean().optional(),
          extract: z.string().optional(),
          pageprops: z.record(z.string(), z.unknown()).optional(),
        }),
      ),
    })
    .optional(),
});

const searchResponse = z.object({
  query: z.object({ search: z.array(z.object({ title: z.string() })) }).optional(),
});

interface LivePage {
  title: string;
  sentences: readonly string[];
}

/** Plain-text extract -> sentences: headings and paragraphs of 2 words or fewer are dropped (as the official env). */
export function extractSentences(extract: string): string[] {
  return extract
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^=+.*=+$/.test(line) && line.split(/\s+/).length > 2)
    .flatMap(splitSentences);
}

export class LiveWiki implements WikiSource {
  readonly description: string;
  private readonly baseUrl: string;
  private readonly cacheDir: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  /** Responses by URL, shared by concurrent callers; values are never mutated. */
  private readonly responses = new Map<string, Promise<unknown>>();

  constructor(options: LiveWikiOptions = {}) {
    this.baseUrl = options.baseUrl ?? DEFAULT_WIKI_URL;
    this.cacheDir = options.cacheDir ?? join('.stepq-cache', 'wiki');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.description = `live Wikipedia at ${this.baseUrl} (cache ${this.cacheDir})`;
  }

  async search(entity: string): Promise<SearchOutcome> {
    const direct = await this.page(entity);
    if (direct) return { kind: 'page', ...direct };
    const titles = await this.searchTitles(entity);
    const key = titleKey(entity);
    const near = titles.find((t) => titleKey(t) === key);
    const nearPage = near === undefined || near === entity ? null : await this.page(near);
    if (nearPage) return { kind: 'page', ...nearPage };
    return { kind: 'miss', similar: titles.slice(0, SIMILAR_LIMIT) };
  }

  async sentences(title: string): Promise<readonly string[]> {
    return (await this.page(title))?.sentences ?? [];
  }

  /** The page with this title (after redirects), or null if missing, empty or a disambiguation page. */
  private async page(title: string): Promise<LivePage | null> {
    const body = await this.get(
      {
        action: 'query',
        prop: 'extracts|pageprops',
        explaintext: '1',
        ppprop: 'disambiguation',
        redirects: '1',
        titles: title,
      },
      pageResponse,
    );
    const page = body.query?.pages[0];
    if (!page || page.missing || page.invalid || page.pageprops?.disambiguation !== undefined)
      return null;
    const sentences = extractSentences(page.extract ?? '');
    return sentences.length ? { title: page.title, sentences } : null;
  }

  private async searchTitles(query: string): Promise<string[]> {
    const body = await this.get(
      {
        action: 'query',
        list: 'search',
        srsearch: query,
        srlimit: String(SIMILAR_LIMIT),
        srprop: '',
      },
      searchResponse,
    );
    return body.query?.search.map((r) => r.title) ?? [];
  }

  private async get<T extends z.ZodType>(
    params: Record<string, string>,
    schema: T,
  ): Promise<z.output<T>> {
    const url = new URL(this.baseUrl);
    for (const [k, v] of Object.entries({ ...params, format: 'json', formatversion: '2' }).sort(
      ([a], [b]) => a.localeCompare(b),
    ))
      url.searchParams.set(k, v);
    const key = url.toString();
    let pending = this.responses.get(key);
    if (!pending) {
      pending = this.cachedOrFetched(key);
      this.responses.set(key, pending);
      pending.catch(() => this.responses.delete(key)); // a failure may be retried by a later call
    }
    const body = await pending;
    const apiError = z.object({ error: z.object({ info: z.string() }) }).safeParse(body);
    if (apiError.success)
      throw new UserError(`live Wikipedia: the API refused ${key}: ${apiError.data.error.info}`);
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new UserError(
        `live Wikipedia: unexpected response from ${key} (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    return parsed.data;
  }

  private cacheFile(url: string): string {
    return join(this.cacheDir, `${createHash('sha256').update(url).digest('hex')}.json`);
  }

  private async cachedOrFetched(url: string): Promise<unknown> {
    const file = this.cacheFile(url);
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown; body?: unknown };
      if (entry.url === url) return entry.body;
    } catch {
      // Not cached yet (or an unreadable entry): fetch it again.
    }
    const body = await this.fetchJson(url);
    writeJsonAtomic(file, { url, body });
    return body;
  }

  private async fetchJson(url: string): Promise<unknown> {
    let lastError = '';
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0)
        await new Promise((r) => setTimeout(r, this.retryDelayMs * 2 ** (attempt - 1)));
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        lastError = `cannot reach ${new URL(url).origin} (${cause}); check the network, or use the offline wiki`;
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        lastError = `HTTP ${response.status} from ${url}`;
        continue;
      }
      if (!response.ok) throw new UserError(`live Wikipedia: HTTP ${response.status} from ${url}`);
      const text = await response.text();
      try {
        return JSON.parse(text);
      } catch {
        throw new UserError(
          `live Wikipedia: ${url} did not return JSON (is ${this.baseUrl} a MediaWiki api.php?)`,
        );
      }
    }
    throw new UserError(`live Wikipedia: ${lastError}`);
  }
}
