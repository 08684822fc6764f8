/**
 * Running the `stepq` CLI from source in tests. `runCli` starts one process per run (for runs
 * that serve, stream, take signals or need their own environment); `runCliBatch` runs many
 * short invocations in one process (cli-batch-child.ts), which saves the cost of starting a
 * process and loading the CLI each time.
 *
 * The test runner (scripts/run-tests.mjs) bundles the suite and the CLI from the current
 * source once per run and names the folder in STEPQ_TEST_CLI_BUNDLE (scripts/test-bundle.mjs):
 * a process started from the bundle costs about a second of CPU less than one under tsx.
 * Without it (a test file run on its own, or `--isolate`) the CLI runs under tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../testing/shared.js';

export interface CliResult {
  /** Exit status (null when a signal or the timeout stopped the process). */
  status: number | null;
  stdout: string;
  stderr: string;
  signal?: NodeJS.Signals | null;
}

export interface CliRunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Node's arguments that start `entry` ('run': the CLI; 'cli-batch-child': runCliBatch's). */
export function cliEntryArgs(entry: 'run' | 'cli-batch-child'): string[] {
  const source = entry === 'run' ? 'src/cli/run.ts' : 'src/cli/testing/cli-batch-child.ts';
  const bundle = process.env.STEPQ_TEST_CLI_BUNDLE;
  const file = bundle ? join(bundle, source.replace(/\.ts$/, '.mjs')) : undefined;
  if (file && existsSync(file)) return ['--enable-source-maps', file];
  return ['--import', 'tsx', source];
}

/** `stepq ...args` in a process of its own, as a user runs it. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [...cliEntryArgs('run'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/**
 * Each argument list run by the CLI's `main` in turn, in one process: the exit status is the
 * `process.exitCode` main leaves (1 with the stack on stderr when it throws, as Node does).
 * For short runs that end by themselves; a run that leaves a server or timer behind would
 * mix into the next one.
 */
export function runCliBatch(
  runs: ReadonlyArray<readonly string[]>,
  options: CliRunOptions = {},
): CliResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'stepq-cli-batch-'));
  try {
    const results = join(dir, 'results.json');
    const r = spawnSync(
      process.execPath,
      [...cliEntryArgs('cli-batch-child'), results, JSON.stringify(runs)],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 120_000,
      },
    );
    if (r.status !== 0)
      throw new Error(`cli batch failed (status ${r.status}): ${r.stderr || r.stdout}`);
    return JSON.parse(readFileSync(results, 'utf8')) as CliResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs queued at a test file's top level that all go to one runCliBatch process when the
 * first result is read: one process start for the whole file.
 */
export class CliBatch {
  private readonly runs: string[][] = [];
  private results: CliResult[] | undefined;

  constructor(private readonly options: CliRunOptions = {}) {}

  /** Queues `stepq ...args`; the returned function gives its result. */
  add(args: readonly string[]): () => CliResult {
    if (this.results) throw new Error('CliBatch.add after the batch ran');
    const index = this.runs.push([...args]) - 1;
    return () => {
      this.results ??= runCliBatch(this.runs, this.options);
      return this.results[index] as CliResult;
    };
  }
}
