/**
 * Where the Python training side lives and which interpreter runs it. The interpreter is
 * given by the caller (the CLI reads `--python` / STEPQ_PYTHON); otherwise the project's own
 * venv (python/.venv, made by the install line in docs/trl.md), then `python3`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delimiter, join } from 'node:path';
import { UserError } from '../../core/errors.js';

/** The repository's python/ folder (src/qmodel/trl and dist/qmodel/trl are both 3 levels down). */
export const PYTHON_PACKAGE_DIR = fileURLToPath(new URL('../../../python', import.meta.url));

export const TRL_INSTALL_COMMAND =
  'python3 -m venv python/.venv && python/.venv/bin/pip install "./python[test]" && ' +
  'python/.venv/bin/python -m stepq_trl fetch-converter';

export function defaultPython(): string {
  const venv = join(PYTHON_PACKAGE_DIR, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** The child's environment: stepq_trl importable from the source tree even when not installed. */
export function pythonEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const paths = [PYTHON_PACKAGE_DIR, base.PYTHONPATH].filter((p): p is string => !!p);
  return { ...base, PYTHONPATH: paths.join(delimiter), PYTHONUNBUFFERED: '1' };
}

/**
 * Fails with one line naming the install command when the interpreter is missing or lacks
 * the training side's packages (checked before any work, so nothing half-runs).
 */
export function checkPythonSide(python: string): void {
  const probe = spawnSync(python, ['-c', 'import stepq_trl, trl, transformers, torch, peft'], {
    env: pythonEnv(),
    encoding: 'utf8',
  });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code ?? String(probe.error);
    throw new UserError(
      `the Python training side is not installed: cannot run ${python} (${code}); install it with: ${TRL_INSTALL_COMMAND}`,
    );
  }
  if (probe.status !== 0) {
    const lines = (probe.stderr ?? '').trim().split('\n');
    throw new UserError(
      `the Python training side is not installed for ${python} (${lines.at(-1) ?? `exit ${probe.status}`}); install it with: ${TRL_INSTALL_COMMAND}`,
    );
  }
}
