/**
 * `stepq data webshop`: download the official WebShop data files (Yao et al. 2022, MIT)
 * from the Google Drive ids that the WebShop repository's setup.sh uses, or from a
 * mirror folder, and check that they load. Use the folder with `--env webshop --data DIR`.
 */
import { readSync, openSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { UserError } from '../../core/errors.js';
import { downloadFile, sidecarPath, type DownloadResult } from '../../data/download.js';
import { loadProductsFromFiles } from '../../envs/webshop/files.js';
import { buildGoals } from '../../envs/webshop/goals.js';
import { startProgress } from '../progress.js';
import { examplesText } from '../help.js';

/** Official file name -> Google Drive id (princeton-nlp/WebShop setup.sh). */
export const WEBSHOP_FILES = {
  small: {
    'items_shuffle_1000.json': '1EgHdxQ_YxqIQlvvq5iKlCrkEKR6-j0Ib',
    'items_ins_v2_1000.json': '1IduG0xl544V_A_jv3tHXC0kyFi7PnyBu',
    'items_human_ins.json': '14Kb5SPBk_jfdLZ_CDBNitW98QLDlKR5O',
  },
  all: {
    'items_shuffle.json': '1A2whVgOO0euk5O13n2iYDM0bQRkkRduB',
    'items_ins_v2.json': '1s2j6NgHljiZzQNL3veZaAiyW_qDEgBNi',
    'items_human_ins.json': '14Kb5SPBk_jfdLZ_CDBNitW98QLDlKR5O',
  },
} as const;

/** Drive's direct download endpoint; `confirm=t` skips the "too large to scan" page of big files. */
export function driveUrl(id: string): string {
  return `https://drive.usercontent.google.com/download?id=${id}&export=download&confirm=t`;
}

/** Drive answers quota and permission problems with an HTML page and status 200: catch that. */
function assertJsonFile(path: string, url: string): void {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(256);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const first = head.subarray(0, n).toString('utf8').trimStart()[0];
  if (first === '[' || first === '{') return;
  rmSync(path, { force: true });
  rmSync(sidecarPath(path), { force: true });
  throw new UserError(
    `${url} did not return a JSON file (Google Drive sends an HTML page when its download quota is used up).\n` +
      `Download it by hand in a browser, save it as ${path}, and run this command again (it then checks and keeps it).`,
  );
}

interface WebshopDataFlags {
  size: 'small' | 'all';
  dest: string;
  mirror?: string;
  quiet?: boolean;
}

export function registerWebshopData(data: Command, dataDir: string): void {
  data
    .command('webshop')
    .summary('download the official WebShop product and instruction files')
    .description(
      'Download the official WebShop data files into a folder and check that they load:\n' +
        '  --size small  items_shuffle_1000.json + items_ins_v2_1000.json + items_human_ins.json (1,000 products)\n' +
        '  --size all    items_shuffle.json + items_ins_v2.json + items_human_ins.json (the full catalogue, several GB, 12,087 human goals; the setting of published LLM results)\n' +
        'Files come from the Google Drive ids in the WebShop repository (setup.sh), or from ' +
        '--mirror. No official checksums exist: the sha256 of the first download is recorded in ' +
        '<file>.sha256 and checked on later runs.',
    )
    .addHelpText(
      'after',
      examplesText(
        'stepq data webshop --size small',
        'stepq demo --env webshop --data .stepq-cache/data/webshop',
      ),
    )
    .addOption(
      new Option('--size <which>', 'small (1,000 products) or all (full catalogue)')
        .choices(['small', 'all'])
        .default('small'),
    )
    .option('--dest <dir>', 'folder to save into', join(dataDir, 'webshop'))
    .option(
      '--mirror <url>',
      'base URL of a folder holding the files under their official names (instead of Google Drive)',
    )
    .option('--quiet', 'no progress bars')
    .action(async (flags: WebshopDataFlags) => {
      const files = WEBSHOP_FILES[flags.size];
      const results: Record<string, DownloadResult> = {};
      for (const [name, id] of Object.entries(files)) {
        const url = flags.mirror ? `${flags.mirror.replace(/\/+$/, '')}/${name}` : driveUrl(id);
        const result = await downloadFile({
          url,
          dest: join(flags.dest, name),
          progress: (total) => startProgress(name, total, { quiet: flags.quiet }),
        });
        assertJsonFile(result.path, url);
        results[name] = result;
        process.stdout.write(
          `${result.status === 'present' ? 'already present' : 'downloaded'}: ${result.path} (${result.bytes} bytes, sha256 ${result.sha256})\n`,
        );
      }
      const [items, insV2, humanIns] = Object.keys(files).map((name) => join(flags.dest, name)) as [
        string,
        string,
        string,
      ];
      if (flags.size === 'small') {
        const products = loadProductsFromFiles(
          { items, insV2, humanIns },
          { goals: 'human', priceSeed: 0 },
        );
        const goals = buildGoals(products, 'human', 0);
        process.stdout.write(`checked: ${products.length} products, ${goals.length} human goals\n`);
      } else {
        process.stdout.write('(the full catalogue is checked when an env first loads it)\n');
      }
      process.stdout.write(`use it with: --env webshop --data ${flags.dest}\n`);
    });
}
