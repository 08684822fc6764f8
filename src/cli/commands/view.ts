import type { Command } from 'commander';
import { DEFAULT_VIEW_PORT, startViewer } from '../../view/server.js';
import { intArg } from '../options.js';
import { examplesText } from '../help.js';

export function registerView(program: Command): void {
  program
    .command('view')
    .summary('browse a run folder in a local web viewer')
    .description(
      'Browse a run folder in a local web app (127.0.0.1 only): tasks, MCTS trees with ' +
        'Q-values, eval trajectories with their candidates, preference pairs, training curves. ' +
        'DIR: a `stepq demo` run folder, a `stepq collect --out` folder, a `stepq eval --out` ' +
        'folder, or the decision log (`--log FILE`) of `stepq serve-qguided`.',
    )
    .addHelpText(
      'after',
      examplesText(
        'stepq view runs/demo-hotpotqa-<time>',
        'stepq view runs/c1 --port 0',
        'stepq view decisions.jsonl',
      ),
    )
    .argument('<dir>', 'run folder or serve-qguided decision log')
    .option(
      '--port <p>',
      'port on 127.0.0.1 (0: any free port)',
      intArg('--port', 0),
      DEFAULT_VIEW_PORT,
    )
    .action(async (dir: string, flags: { port: number }) => {
      const viewer = await startViewer(dir, flags.port);
      const { run } = viewer;
      process.stderr.write(
        `${run.tasks.length} tasks, ${run.treeHeaders.size} trees, ${run.arms.length} eval arms, ${run.training.length} models\n`,
      );
      for (const problem of run.problems) process.stderr.write(`left out: ${problem}\n`);
      process.stdout.write(`stepq viewer: ${viewer.url}  (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => void viewer.close().then(resolve));
        process.once('SIGTERM', () => void viewer.close().then(resolve));
      });
    });
}
