/**
 * Loading the official WebShop files from a folder (or a named items file): streamed,
 * validated record by record, then normalised by the same code as parsed values.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { OptionError } from '../../core/settings.js';
import { forEachJsonEntry } from './json-stream.js';
import {
  humanInsTable,
  insV2Table,
  ProductBuilder,
  type LoadOptions,
  type Product,
  type RecordOrigin,
} from './products.js';

export interface OfficialFiles {
  items: string;
  insV2: string;
  humanIns?: string;
}

function pick(dir: string, names: readonly string[], pattern: RegExp): string | undefined {
  for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  const others = readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort();
  return others[0] === undefined ? undefined : join(dir, others[0]);
}

/**
 * Finds the official files for `--data PATH`: PATH is a folder holding items_shuffle*.json,
 * items_ins_v2*.json and items_human_ins.json, or one items_shuffle*.json file with the others beside it.
 * The full catalogue is preferred over the 1000-product one when both are present.
 */
export function findOfficialFiles(path: string): OfficialFiles {
  if (!existsSync(path)) throw new OptionError('data', 'no such file or folder', path);
  const isDir = statSync(path).isDirectory();
  const dir = isDir ? path : dirname(path);
  const items = isDir
    ? pick(dir, ['items_shuffle.json', 'items_shuffle_1000.json'], /^items_shuffle.*\.json$/)
    : path;
  if (!items)
    throw new OptionError(
      'data',
      'no items_shuffle*.json in this folder (expected the official WebShop data files)',
      path,
    );
  const suffix = /^items_shuffle(.*)\.json$/.exec(basename(items))?.[1] ?? '';
  const insV2 = pick(
    dir,
    [`items_ins_v2${suffix}.json`, 'items_ins_v2.json', 'items_ins_v2_1000.json'],
    /^items_ins_v2.*\.json$/,
  );
  if (!insV2)
    throw new OptionError('data', `no items_ins_v2*.json next to ${basename(items)}`, path);
  const humanIns = existsSync(join(dir, 'items_human_ins.json'))
    ? join(dir, 'items_human_ins.json')
    : undefined;
  return { items, insV2, humanIns };
}

function* fileEntries(file: string): Iterable<[string, unknown, RecordOrigin]> {
  const entries: Array<[string, unknown, RecordOrigin]> = [];
  forEachJsonEntry(file, 'object', (e) =>
    entries.push([
      e.key as string,
      e.value,
      { source: file, index: e.index, line: e.line, key: e.key },
    ]),
  );
  yield* entries;
}

/** `load_products` from the official files. */
export function loadProductsFromFiles(files: OfficialFiles, options: LoadOptions): Product[] {
  if (options.goals === 'human' && !files.humanIns) {
    throw new UserError(
      `${dirname(files.items)}: human goals need items_human_ins.json next to ${basename(files.items)}`,
    );
  }
  const ins = insV2Table(fileEntries(files.insV2));
  const human =
    options.goals === 'human' && files.humanIns
      ? humanInsTable(fileEntries(files.humanIns))
      : undefined;
  const builder = new ProductBuilder(ins, human, options);
  forEachJsonEntry(files.items, 'array', (e) =>
    builder.add(e.value, { source: files.items, index: e.index, line: e.line }),
  );
  return builder.products;
}
