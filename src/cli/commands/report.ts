import type { Command } from 'commander';
import { join } from 'node:path';
import { DEFAULT_VIEWER_URL, writeReport } from '../../view/report.js';
import { examplesText } from '../help.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .summary('one self-contained HTML report of a run folder')
    .description(
      'Write one self-contained HTML report of a run folder (opens offline): results with 95% ' +
        'intervals, success against n, Q-value calibration, training curves, links into `stepq view`.',
    )
    .addHelpText(
      'after',
      examplesText('stepq report runs/demo-hotpotqa-<time>', 'stepq report runs/e1 --out e1.html'),
    )
    .argument('<dir>', 'run folder (demo, collect or eval output)')
    .option('--out <file>', 'report file (default: DIR/report.html)')
    .option(
      '--viewer-url <url>',
      'where `stepq view DIR` listens, for the task links',
      DEFAULT_VIEWER_URL,
    )
    .action((dir: string, flags: { out?: string; viewerUrl: string }) => {
      const file = writeReport(dir, flags.out ?? join(dir, 'report.html'), {
        viewerUrl: flags.viewerUrl.endsWith('/') ? flags.viewerUrl : `${flags.viewerUrl}/`,
      });
      process.stdout.write(`report: ${file}\n`);
    });
}
