/**
 * `stepq data <dataset>`: fetch public data sets. Each dataset is a subcommand; add one
 * by appending its register function to DATASETS.
 */
import { Command } from 'commander';
import { basename, join } from 'node:path';
import { downloadFile } from '../../data/download.js';
import { loadHotpotqaFile } from '../../envs/hotpotqa/loader.js';
import { startProgress } from '../progress.js';
import { registerWebshopData } from './data-webshop.js';
import { examplesText } from '../help.js';

/** The official HotpotQA dev set, distractor setting (Yang et al. 2018; CC BY-SA 4.0). */
export const HOTPOTQA_DEV_DISTRACTOR_URL =
  'http://curtis.ml.cmu.edu/datasets/hotpot/hotpot_dev_distractor_v1.json';
export const DEFAULT_DATA_DIR = join('.stepq-cache', 'data');

interface HotpotqaDataFlags {
  dest: string;
  url: string;
  sha256?: string;
  quiet?: boolean;
}

function registerHotpotqaData(data: Command, dataDir: string): void {
  data
    .command('hotpotqa')
    .summary('download the official HotpotQA dev distractor file')
    .description(
      'Download the official HotpotQA dev distractor file (7,405 questions with their context ' +
        'paragraphs) and check that it loads. Use the file with `--data <path>`. No official ' +
        'checksum is published, so the sha256 of the first download is recorded in ' +
        '<file>.sha256 and later runs verify against it.',
    )
    .addHelpText(
      'after',
      examplesText(
        'stepq data hotpotqa',
        'stepq demo --data .stepq-cache/data/hotpotqa/hotpot_dev_distractor_v1.json --folds 5',
      ),
    )
    .option('--dest <dir>', 'folder to save into', join(dataDir, 'hotpotqa'))
    .option('--url <url>', 'where to download from', HOTPOTQA_DEV_DISTRACTOR_URL)
    .option('--sha256 <hex>', 'expected sha256 of the file (verified)')
    .option('--quiet', 'no progress bar')
    .action(async (flags: HotpotqaDataFlags) => {
      const dest = join(flags.dest, basename(new URL(flags.url).pathname) || 'hotpotqa.json');
      const result = await downloadFile({
        url: flags.url,
        dest,
        sha256: flags.sha256,
        progress: (total) => startProgress('hotpotqa', total, { quiet: flags.quiet }),
      });
      const dataset = loadHotpotqaFile(result.path);
      const check =
        result.verified === 'recorded'
          ? `recorded in ${result.path}.sha256`
          : `verified against the ${result.verified === 'given' ? '--sha256' : 'recorded'} checksum`;
      process.stdout.write(
        `${result.status === 'present' ? 'already present' : 'downloaded'}: ${result.path} (${result.bytes} bytes, ${dataset.tasks.length} questions, ${dataset.layout} layout)\n` +
          `sha256 ${result.sha256} (${check})\n` +
          `use it with: --env hotpotqa --data ${result.path}\n`,
      );
    });
}

/** Each registers its subcommand; `dataDir` is the default folder datasets are saved under. */
const DATASETS: Array<(data: Command, dataDir: string) => void> = [
  registerHotpotqaData,
  registerWebshopData,
];

export function registerData(program: Command): void {
  const data = program
    .command('data')
    .summary('download public data sets (HotPotQA, WebShop)')
    .description('Download public data sets (HotPotQA, WebShop) into a local folder.')
    .addHelpText('after', examplesText('stepq data hotpotqa', 'stepq data webshop --size small'));
  for (const register of DATASETS) register(data, DEFAULT_DATA_DIR);
}
