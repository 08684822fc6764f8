// Runs a child process to its end for the test scripts: its exit code (1 when it could not
// start or a signal stopped it) and, with `capture`, its stdout and stderr as one text;
// without, they go to this process's own.
import { spawn } from 'node:child_process';

export function runChild(command, args, { cwd, capture = true }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('error', (err) => resolve({ code: 1, output: `${output}${err.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
