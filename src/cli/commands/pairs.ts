import { Command, Option } from 'commander';
import { UserError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs.js';
import {
  buildPairs,
  PAIR_STRATEGIES,
  readTreeFolder,
  toTrl,
  type PairStrategy,
} from '../../data/pairs.js';
import { chatTemplate, DEFAULT_TEMPLATE, TEMPLATE_NAMES } from '../../qmodel/chat-templates.js';
import { floatArg } from '../options.js';
import { renderTable } from '../../text/table.js';
import { examplesText } from '../help.js';

interface PairsFlags {
  trees: string;
  out: string;
  minGap: number;
  strategy: PairStrategy;
  format: 'stepq' | 'trl';
  template: string;
  json?: boolean;
}

export function registerPairs(program: Command): void {
  program
    .command('pairs')
    .summary('step-level preference pairs from trees (step 2)')
    .description(
      'Build step-level preference pairs from MCTS trees (step 2 of the method): at each depth of the ' +
        'best path, the highest-Q sibling is chosen and the lowest-Q one rejected. Trees that fail ' +
        'validation are reported and skipped. Format: docs/tree-format.md, docs/trl.md.',
    )
    .addHelpText(
      'after',
      examplesText(
        'stepq pairs --trees runs/c1 --out runs/c1/pairs.jsonl',
        'stepq pairs --trees runs/c1 --format trl --out runs/c1/trl.jsonl',
      ),
    )
    .requiredOption(
      '--trees <dir>',
      'folder of tree files (the --out of `stepq collect`, or its trees/ folder)',
    )
    .requiredOption('--out <file>', 'output JSONL file')
    .option(
      '--min-gap <g>',
      'drop pairs whose Q gap is below g (exact ties are always dropped)',
      floatArg('--min-gap', 0),
      0,
    )
    .addOption(
      new Option(
        '--strategy <name>',
        'best-path (the method) or all-siblings (every node with 2+ visited children)',
      )
        .choices([...PAIR_STRATEGIES])
        .default('best-path'),
    )
    .addOption(
      new Option(
        '--format <name>',
        'stepq (full records) or trl (rendered prompt/chosen/rejected text for TRL; docs/llm-qmodel-contract.md)',
      )
        .choices(['stepq', 'trl'])
        .default('stepq'),
    )
    .addOption(
      new Option(
        '--template <name>',
        'chat template of --format trl (the scorer must use the same)',
      )
        .choices(TEMPLATE_NAMES)
        .default(DEFAULT_TEMPLATE),
    )
    .option('--json', 'print one JSON summary object')
    .action((flags: PairsFlags) => {
      const { trees, invalid } = readTreeFolder(flags.trees);
      if (trees.length === 0 && invalid.length === 0)
        throw new UserError(
          `--trees ${flags.trees}: no tree files (*.json) there or in its trees/ folder`,
        );
      for (const bad of invalid) process.stderr.write(`stepq: skipped ${bad.error}\n`);
      const template = chatTemplate(flags.template);
      const lines: string[] = [];
      let treesWithPairs = 0;
      for (const tree of trees) {
        const pairs = buildPairs(tree, { strategy: flags.strategy, minGap: flags.minGap });
        if (pairs.length) treesWithPairs++;
        for (const pair of pairs)
          lines.push(JSON.stringify(flags.format === 'trl' ? toTrl(pair, template) : pair));
      }
      writeFileAtomic(flags.out, lines.length ? `${lines.join('\n')}\n` : '');
      const summary = {
        trees: trees.length,
        skippedTrees: invalid.length,
        treesWithPairs,
        pairs: lines.length,
        strategy: flags.strategy,
        format: flags.format,
        ...(flags.format === 'trl' ? { template: template.name } : {}),
        out: flags.out,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(`${renderTable([summary])}\n`);
    });
}
