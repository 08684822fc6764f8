/** `stepq train --engine trl`: the flags of the TRL route, its progress and its summary line. */
import { readFileSync } from 'node:fs';
import { UserError } from '../../core/errors.js';
import { defaultPython } from '../../qmodel/trl/python.js';
import { trainWithTrl, type TrlEvent, type TrlTrainOptions } from '../../qmodel/trl/run.js';
import { startProgress, type Progress } from '../progress.js';

export interface TrlFlags {
  pairs: string;
  out: string;
  epochs: number;
  beta: number;
  lr: number;
  seed: number;
  json?: boolean;
  base?: string;
  lora?: boolean;
  gguf?: boolean;
  python?: string;
  maxLength?: number;
  effectiveBatch?: number;
  perDeviceBatch?: number;
  maxSteps?: number;
  processes?: number;
  dtype?: string;
  llamaCpp?: string;
}

export const TRL_ONLY_FLAGS = [
  { key: 'base', flag: '--base' },
  { key: 'lora', flag: '--lora' },
  { key: 'gguf', flag: '--gguf' },
  { key: 'python', flag: '--python' },
  { key: 'maxLength', flag: '--max-length' },
  { key: 'effectiveBatch', flag: '--effective-batch' },
  { key: 'perDeviceBatch', flag: '--per-device-batch' },
  { key: 'maxSteps', flag: '--max-steps' },
  { key: 'processes', flag: '--processes' },
  { key: 'dtype', flag: '--dtype' },
  { key: 'llamaCpp', flag: '--llama-cpp' },
] as const;

const DTYPES = ['auto', 'float32', 'bfloat16', 'float16'] as const;

function stepqVersion(): string {
  const pkg = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

/** `given(key)`: the user set the flag (the small model's defaults must not reach the recipe). */
export async function runTrlTrain(
  flags: TrlFlags,
  given: (key: string) => boolean,
  envPython: string | undefined,
): Promise<void> {
  if (!flags.base) throw new UserError('--engine trl needs --base <hub id or model folder>');
  if (flags.dtype !== undefined && !(DTYPES as readonly string[]).includes(flags.dtype))
    throw new UserError(`--dtype must be one of ${DTYPES.join(', ')}, got "${flags.dtype}"`);
  for (const key of ['holdout', 'patience', 'minDelta', 'batchSize', 'hidden', 'dimBits', 'l2'])
    if (given(key))
      throw new UserError(
        `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is not an option of --engine trl`,
      );
  const options: TrlTrainOptions = {
    python: flags.python ?? envPython ?? defaultPython(),
    base: flags.base,
    pairs: flags.pairs,
    out: flags.out,
    beta: given('beta') ? flags.beta : undefined,
    epochs: given('epochs') ? flags.epochs : undefined,
    learningRate: given('lr') ? flags.lr : undefined,
    seed: given('seed') ? flags.seed : undefined,
    effectiveBatch: flags.effectiveBatch,
    perDeviceBatch: flags.perDeviceBatch,
    maxLength: flags.maxLength,
    maxSteps: flags.maxSteps,
    processes: flags.processes,
    dtype: flags.dtype as TrlTrainOptions['dtype'],
    lora: flags.lora,
    gguf: flags.gguf,
    llamaCpp: flags.llamaCpp,
    stepqVersion: stepqVersion(),
  };
  let progress: Progress | undefined;
  let shown = 0;
  const onEvent = (e: TrlEvent) => {
    if (e.event === 'skipped') process.stderr.write(`stepq: skipped pair, ${String(e.reason)}\n`);
    else if (e.event === 'tokenised' && !flags.json)
      process.stderr.write(
        `stepq: ${String(e.pairs)} pairs tokenised, ${String(e.skipped)} skipped, ${String(e.truncatedSides)} prompts cut from the left\n`,
      );
    else if (e.event === 'step') {
      progress ??= startProgress('train (trl)', Number(e.maxSteps), {
        quiet: flags.json,
        fields: ['loss'],
      });
      progress.tick(Number(e.step) - shown);
      shown = Number(e.step);
    } else if (e.event === 'log' && typeof e.loss === 'number')
      progress?.update({ loss: e.loss.toFixed(4) });
    else if (e.event === 'converting') {
      progress?.stop();
      if (!flags.json) process.stderr.write('stepq: converting to GGUF (llama.cpp converter)\n');
    }
  };
  let result;
  try {
    result = await trainWithTrl(options, onEvent);
  } finally {
    progress?.stop();
  }
  const summary = {
    out: flags.out,
    engine: 'trl',
    pairs: result.done.pairs,
    skippedPairs: result.done.skippedPairs,
    steps: result.done.steps,
    gguf: result.converted
      ? { policy: result.converted.policy, reference: result.converted.reference }
      : null,
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else
    process.stdout.write(
      `saved ${flags.out} (stepq-qmodel.json): ${String(summary.pairs)} pairs, ${String(summary.skippedPairs)} skipped, ${String(summary.steps)} steps` +
        `${summary.gguf ? `; GGUF in ${flags.out}/gguf, use --qmodel gguf:${flags.out}` : ''}\n`,
    );
}
