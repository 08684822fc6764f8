/** The `stepq` command line. Each subcommand lives in ./commands/<name>.ts. */
import { Command, CommanderError } from 'commander';
import { UserError } from '../core/errors.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('stepq')
    .description(
      'Step-level Q-value models for LLM agents (Zhai et al. 2024):\n' +
        '  collect MCTS trees -> build step-level preference pairs -> train a Q-value model -> act Q-guided.\n' +
        'Start with `stepq demo` (offline, no key, no GPU).',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof UserError) {
      process.stderr.write(`stepq: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
