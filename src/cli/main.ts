/** The `stepq` command line. Each subcommand lives in ./commands/<name>.ts. */
import { Command, CommanderError } from 'commander';
import { UserError } from '../core/errors.js';
import { fsError, isFsError } from '../core/fs.js';
import { redactSecrets } from '../core/redact.js';
import { OptionError } from '../core/settings.js';
import { STEPQ_VERSION } from '../core/version.js';
import { commands } from './commands/index.js';
import { applyEnvironment } from './environment.js';
import { HELP_CONFIGURATION, markRequired } from './help.js';
import { flagForField } from './settings.js';

/** Commander's own messages ("error: unknown option '--x'\n(Did you mean --y?)") as one line. */
function oneLine(message: string): string {
  return message
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

export function buildProgram(): Command {
  const program = new Command();
  // Set before the subcommands are added: they inherit the output and exit settings.
  program
    .name('stepq')
    .description(
      'Step-level Q-value models for LLM agents (Zhai et al. 2024): collect MCTS trees, build ' +
        'step-level preference pairs, train a Q-value model, act Q-guided. ' +
        'Start with `stepq demo` (offline, no key, no GPU).',
    )
    .version(STEPQ_VERSION, '-V, --version', 'print the stepq version')
    .configureOutput({
      outputError: (message, write) => write(`stepq: ${oneLine(message)} (see --help)\n`),
    })
    .configureHelp(HELP_CONFIGURATION)
    .exitOverride();
  for (const register of commands) register(program);
  markRequired(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await applyEnvironment();
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version exit 0; every mistake the option parser finds is a user mistake.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof OptionError) {
      process.stderr.write(`stepq: ${err.render(flagForField)}\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof UserError || isFsError(err)) {
      // One line naming the file or setting; never a secret (servers echo keys back).
      const message = err instanceof UserError ? err.message : fsError(err).message;
      process.stderr.write(`stepq: ${redactSecrets(message)}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
