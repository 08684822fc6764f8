/**
 * `stepq train --engine trl`: runs the Python recipe (python/stepq_trl, TRL's DPOTrainer) as a
 * child process. The child writes one JSON event per stdout line (progress, skipped pairs,
 * done, error); its stderr (library warnings) is kept and shown only when it fails.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { UserError } from '../../core/errors.js';
import { checkPythonSide, pythonEnv } from './python.js';

export interface TrlTrainOptions {
  python: string;
  base: string;
  pairs: string;
  out: string;
  /** Left out: the recipe's per-env defaults (HotPotQA 0.05 / 1 epoch, WebShop 0.1 / 2). */
  beta?: number;
  epochs?: number;
  learningRate?: number;
  effectiveBatch?: number;
  perDeviceBatch?: number;
  maxLength?: number;
  lora?: boolean;
  loraR?: number;
  loraAlpha?: number;
  dtype?: 'auto' | 'float32' | 'bfloat16' | 'float16';
  gradientCheckpointing?: boolean;
  maxSteps?: number;
  seed?: number;
  gguf?: boolean;
  /** Folder with llama.cpp's convert_hf_to_gguf.py (default: the recipe's cache). */
  llamaCpp?: string;
  /** More than 1: run under `accelerate launch --num_processes N`. */
  processes?: number;
  stepqVersion?: string;
}

export interface TrlEvent {
  event: string;
  [key: string]: unknown;
}

export function trlTrainArgs(o: TrlTrainOptions): string[] {
  const args = ['train', '--base', o.base, '--pairs', o.pairs, '--out', o.out];
  const put = (flag: string, value: number | string | undefined) => {
    if (value !== undefined) args.push(flag, String(value));
  };
  put('--beta', o.beta);
  put('--epochs', o.epochs);
  put('--lr', o.learningRate);
  put('--effective-batch', o.effectiveBatch);
  put('--per-device-batch', o.perDeviceBatch);
  put('--max-length', o.maxLength);
  put('--lora-r', o.loraR);
  put('--lora-alpha', o.loraAlpha);
  put('--dtype', o.dtype);
  put('--max-steps', o.maxSteps);
  put('--seed', o.seed);
  put('--llama-cpp', o.llamaCpp);
  put('--stepq-version', o.stepqVersion);
  if (o.lora) args.push('--lora');
  if (o.gradientCheckpointing) args.push('--gradient-checkpointing');
  if (o.gguf) args.push('--gguf');
  const launcher =
    o.processes && o.processes > 1
      ? ['-m', 'accelerate.commands.launch', '--num_processes', String(o.processes), '-m']
      : ['-m'];
  return [...launcher, 'stepq_trl', ...args];
}

/** Runs the recipe; resolves with the `done` event (and `converted`, if any), rejects with a one-line UserError. */
export async function trainWithTrl(
  options: TrlTrainOptions,
  onEvent: (e: TrlEvent) => void = () => {},
): Promise<{ done: TrlEvent; converted?: TrlEvent }> {
  checkPythonSide(options.python);
  const child = spawn(options.python, trlTrainArgs(options), {
    env: pythonEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  let error: string | undefined;
  let done: TrlEvent | undefined;
  let converted: TrlEvent | undefined;
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 200) stderr.shift();
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    let e: TrlEvent;
    try {
      e = JSON.parse(line) as TrlEvent;
    } catch {
      return; // a library's own print; not an event
    }
    if (typeof e.event !== 'string') return;
    if (e.event === 'error') error = String(e.message);
    if (e.event === 'done') done = e;
    if (e.event === 'converted') converted = e;
    onEvent(e);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    },
  );
  if (error) throw new UserError(`train --engine trl: ${error}`);
  if (code !== 0 || !done) {
    const last = [...stderr].reverse().find((l) => l.trim() !== '') ?? 'no output';
    const how = signal ? `killed by ${signal}` : `exit ${code}`;
    const oom = signal === 'SIGKILL' ? ' (out of memory?)' : '';
    throw new UserError(
      `train --engine trl: the Python recipe failed (${how}${oom}): ${last.trim()}`,
    );
  }
  return converted ? { done, converted } : { done };
}
