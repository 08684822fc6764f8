/**
 * The HotPotQA env bundle from CLI options:
 * - `--data FILE` (official or simplified layout) or `builtin:synthetic[:N]` (the default, N=500);
 * - `--wiki offline` (the default: the data's context paragraphs) or `live` (Wikipedia API).
 */
import { join } from 'node:path';
import type { EnvBundle } from '../../core/env.js';
import { OptionError } from '../../core/settings.js';
import type { EnvCreateOptions } from '../../core/registry.js';
import { HotpotqaEnv } from './env.js';
import { LiveWiki } from './live-wiki.js';
import {
  buildDataset,
  hotpotqaRecordSchema,
  loadHotpotqaFile,
  type HotpotqaDataset,
} from './loader.js';
import { OfflineWiki } from './offline-wiki.js';
import { makeTaskSet } from './splits.js';
import { generateSyntheticRecords, SYNTHETIC_DEFAULT_SIZE } from './synthetic/index.js';
import type { WikiSource } from './wiki.js';

export { HotpotqaEnv, HOTPOTQA_RETURNS, type HotpotqaState, type HotpotqaTask } from './env.js';

const SYNTHETIC = /^builtin:synthetic(?::(\d+))?$/;

export function loadHotpotqaData(data: string | undefined): HotpotqaDataset {
  const source = data ?? 'builtin:synthetic';
  const m = SYNTHETIC.exec(source);
  if (m) {
    const size = m[1] === undefined ? SYNTHETIC_DEFAULT_SIZE : Number(m[1]);
    if (size < 1 || size > 100_000)
      throw new OptionError('data', 'N must be between 1 and 100000', source);
    // The generated records go through the same validation as a file.
    const records = generateSyntheticRecords(size).map((r) => hotpotqaRecordSchema.parse(r));
    return buildDataset(records, `builtin:synthetic:${size}`);
  }
  if (source.startsWith('builtin:'))
    throw new OptionError(
      'data',
      'unknown built-in data for hotpotqa (expected builtin:synthetic[:N])',
      source,
    );
  return loadHotpotqaFile(source);
}

/** HotPotQA's own option: where Search/Lookup read pages. */
export interface HotpotqaOptions extends EnvCreateOptions {
  /** `offline` (the data's context paragraphs, the default) or `live` (the Wikipedia API). */
  wiki?: 'offline' | 'live';
  /** MediaWiki api.php URL for `wiki: live` (default: English Wikipedia; the CLI: $STEPQ_WIKI_URL). */
  wikiUrl?: string;
}

export async function createHotpotqaBundle(options: HotpotqaOptions): Promise<EnvBundle> {
  const data = loadHotpotqaData(options.data);
  const mode = options.wiki ?? 'offline';
  let wiki: WikiSource;
  if (mode === 'live') {
    if (data.source.startsWith('builtin:'))
      throw new OptionError(
        'wiki',
        `${data.source} is a fictional world that Wikipedia knows nothing about; pass a real HotpotQA file with {{data}}`,
        'live',
      );
    wiki = new LiveWiki({
      cacheDir: join(options.cacheDir ?? '.stepq-cache', 'wiki'),
      ...(options.wikiUrl ? { baseUrl: options.wikiUrl } : {}),
    });
  } else {
    if (!data.paragraphs) {
      throw new OptionError(
        'data',
        'this file uses the simplified {question, answer, type} layout, which has no paragraphs ' +
          'to search offline; use {{wiki}} live (needs network), or a file in the official layout with context paragraphs',
        data.source,
      );
    }
    wiki = new OfflineWiki(data.paragraphs, `paragraphs of ${data.source}`);
  }
  return {
    env: new HotpotqaEnv(data.tasks, wiki),
    tasks: makeTaskSet(data.tasks.map((t) => t.id)),
    source: `hotpotqa: ${data.tasks.length} questions from ${data.source}; pages: ${wiki.description}`,
  };
}
