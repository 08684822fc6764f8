/**
 * The environment variables stepq reads, all of them here at the CLI boundary: the library
 * takes every setting as an option (a library caller passes its own values).
 */
import { UserError } from '../core/errors.js';

/**
 * Applies the process-wide settings (the GGUF runtime). $OPENAI_API_KEY, $OPENAI_BASE_URL,
 * $STEPQ_PYTHON and each env's variables (EnvDefinition.environment) are read by the commands.
 */
export async function applyEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const gpu = env.STEPQ_GGUF_GPU;
  const threads = env.STEPQ_GGUF_THREADS;
  if (!gpu && !threads) return;
  let n: number | undefined;
  if (threads) {
    n = Number(threads);
    if (!Number.isInteger(n) || n < 1)
      throw new UserError(`STEPQ_GGUF_THREADS must be an integer >= 1, got "${threads}"`);
  }
  const { configureGgufRuntime } = await import('../gguf/runtime.js');
  configureGgufRuntime({
    ...(gpu && gpu !== 'auto' ? { gpu: gpu === 'false' || gpu === 'cpu' ? false : gpu } : {}),
    ...(n === undefined ? {} : { threads: n }),
  });
}
