/**
 * GETs pages from a WebShop server with a timeout and a few retries on network errors
 * and 5xx answers. Pages are a pure function of their URL (the server keeps only each
 * session's goal), so recent ones are kept in a small cache: a step reads the current
 * page's clickables without fetching it again.
 */
import { UserError } from '../../../core/errors.js';

export interface PageFetcherOptions {
  timeoutMs?: number;
  retries?: number;
  cacheSize?: number;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`HTTP ${status} from ${url}`);
  }
}

export class PageFetcher {
  private readonly cache = new Map<string, string>();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly cacheSize: number;

  constructor(
    readonly baseUrl: string,
    options: PageFetcherOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 2;
    this.cacheSize = options.cacheSize ?? 512;
  }

  async get(path: string): Promise<string> {
    const url = `${this.baseUrl}${path}`;
    const hit = this.cache.get(url);
    if (hit !== undefined) {
      this.cache.delete(url);
      this.cache.set(url, hit);
      return hit;
    }
    const html = await this.fetchWithRetries(url);
    this.cache.set(url, html);
    if (this.cache.size > this.cacheSize)
      this.cache.delete(this.cache.keys().next().value as string);
    return html;
  }

  /** Fetches without the cache (and without caching), e.g. to (re)open a session. */
  async fresh(path: string): Promise<string> {
    return this.fetchWithRetries(`${this.baseUrl}${path}`);
  }

  private async fetchWithRetries(url: string): Promise<string> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
        const body = await response.text();
        if (response.ok) return body;
        lastError = new HttpStatusError(response.status, url);
        if (response.status < 500) break;
      } catch (err) {
        lastError = err;
      }
    }
    if (lastError instanceof HttpStatusError) throw lastError;
    const reason =
      lastError instanceof Error
        ? lastError.cause instanceof Error
          ? lastError.cause.message
          : lastError.message
        : String(lastError);
    throw new UserError(
      `WebShop server ${this.baseUrl}: cannot fetch ${url} (${reason}); is the server running?`,
    );
  }
}
