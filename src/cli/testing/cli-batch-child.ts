/**
 * The process behind runCliBatch (cli.ts): argv lists in, one CLI run each through `main`,
 * with stdout, stderr and the exit code captured per run; the results go to a JSON file.
 * Nothing else writes in this process, so replacing the streams' write is safe here.
 */
import { writeFileSync } from 'node:fs';
import { main } from '../main.js';
import type { CliResult } from './cli.js';

const [resultsFile, runsJson] = process.argv.slice(2);
const runs = JSON.parse(runsJson ?? '[]') as string[][];
const results: CliResult[] = [];
const stdoutWrite = process.stdout.write.bind(process.stdout);
const stderrWrite = process.stderr.write.bind(process.stderr);

for (const args of runs) {
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  process.stdout.write = capture((s) => (stdout += s)) as typeof process.stdout.write;
  process.stderr.write = capture((s) => (stderr += s)) as typeof process.stderr.write;
  process.exitCode = undefined;
  let status: number;
  try {
    await main(['node', 'stepq', ...args]);
    status = Number(process.exitCode ?? 0);
  } catch (err) {
    stderr += `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
    status = 1;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  results.push({ status, stdout, stderr });
}
process.exitCode = 0;
writeFileSync(resultsFile ?? 'cli-batch-results.json', JSON.stringify(results));
