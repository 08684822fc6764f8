/**
 * Opt-in on-disk cache of LLM replies, for reproducible and cheap re-runs. The key is
 * the sha256 of the canonical request (every field that can change the answer, plus the
 * endpoint); the file holds the request itself (for inspection) and the reply.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/fs.js';
import type { Usage } from '../core/policy.js';
import { readJsonFile } from '../core/validate.js';

export interface CachedReply {
  candidates: string[];
  /** Usage of the original (uncached) request, kept for reference; a hit itself costs nothing. */
  usage: Usage;
}

const cachedFileSchema = z.object({
  request: z.unknown(),
  candidates: z.array(z.string()),
  usage: z.object({
    calls: z.number().int().nonnegative(),
    promptTokens: z.number().nonnegative(),
    completionTokens: z.number().nonnegative(),
  }),
});

/** JSON with object keys sorted at every level, so equal requests give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function cacheKey(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export class ResponseCache {
  /** `dir` is the general cache folder (--cache-dir); LLM replies live under its `llm/`. */
  constructor(private readonly dir: string) {}

  private pathOf(key: string): string {
    return join(this.dir, 'llm', key.slice(0, 2), `${key}.json`);
  }

  get(key: string): CachedReply | undefined {
    const path = this.pathOf(key);
    if (!existsSync(path)) return undefined;
    const { candidates, usage } = readJsonFile(path, cachedFileSchema);
    return { candidates, usage };
  }

  put(key: string, request: unknown, reply: CachedReply): void {
    writeJsonAtomic(this.pathOf(key), {
      request,
      candidates: reply.candidates,
      usage: reply.usage,
    });
  }
}
