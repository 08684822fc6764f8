/** Option groups shared by several commands, and their parsing into env/policy objects. */
import { Command, Option, InvalidArgumentError } from 'commander';
import { UserError } from '../core/errors.js';
import type { EnvBundle } from '../core/env.js';
import type { Policy } from '../core/policy.js';
import { createEnvBundle, envNames, getEnv } from '../envs/index.js';
import type { PolicyOptions } from '../agent/policy-factory.js';
import { createPolicy, POLICY_SPECS } from './specs.js';
import { POLICY_SETTINGS } from '../agent/policy-settings.js';
import { choice, int, str, withChanges } from '../core/settings.js';
import { addSettings, valuesOf, type SettingsReader } from './settings.js';

export function intArg(name: string, min = 0) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}`);
    return n;
  };
}

export function floatArg(name: string, min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}]`);
    return n;
  };
}

/** The common env flags; each registered env adds its own (e.g. `--wiki`), read by field name. */
export interface EnvFlags {
  env: string;
  data?: string;
  cacheDir?: string;
  tasks?: string;
  split?: string;
  seed: number;
}

/** The flags every env command shares (each env adds its own from its registration). */
export const ENV_FLAG_SETTINGS = {
  env: choice(envNames, { default: 'hotpotqa', arg: 'name', help: 'environment' }),
  data: str({ arg: 'source', help: 'data source' }),
  cacheDir: str({
    arg: 'dir',
    help: 'folder for on-disk caches (live Wikipedia, LLM responses with --llm-cache)',
  }),
  tasks: str({
    arg: 'ranges',
    help: 'task indices into the selected split, e.g. 0-49 or 0-9,20-29 (default: all)',
  }),
  split: str({ default: 'all', arg: 'name', help: 'task split: all, train or test' }),
  seed: int({ default: 0, min: 0, help: 'random seed' }),
};

export function addEnvOptions(cmd: Command): Command {
  const names = envNames();
  const dataHelp = names
    .map((name) => `${name}: ${getEnv(name).data.accepted.join(' or ')}`)
    .join('; ');
  const { env, data, ...rest } = ENV_FLAG_SETTINGS;
  addSettings(cmd, {
    env,
    data: withChanges(data, { help: `data (${dataHelp}); default: the built-in world` }),
  });
  // Each env's own flags, from its registration.
  for (const name of names)
    for (const f of getEnv(name).optionFlags ?? []) {
      const option = new Option(f.flag, f.help);
      cmd.addOption(f.choices ? option.choices([...f.choices]) : option);
    }
  addSettings(cmd, rest);
  return cmd;
}

/** Parses `0-49,60,70-72` into sorted unique indices. */
export function parseRanges(spec: string): number[] {
  const out = new Set<number>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new UserError(`--tasks: cannot read "${part}" (expected e.g. 0-49 or 3,5,7)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UserError(`--tasks: range "${part}" runs backwards`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  // "" or "," selects nothing; running every task instead would be a surprise.
  if (out.size === 0)
    throw new UserError(`--tasks "${spec}": selects no task (expected e.g. 0-49)`);
  return [...out].sort((x, y) => x - y);
}

export async function loadEnv(flags: EnvFlags): Promise<EnvBundle> {
  // Only the chosen env's own flags go to it (another env's flag is ignored, as before).
  const definition = getEnv(flags.env);
  const own: Record<string, unknown> = {};
  for (const f of definition.optionFlags ?? [])
    own[f.field] = (flags as unknown as Record<string, unknown>)[f.field];
  // The env's environment variables, read here at the CLI boundary only.
  for (const [field, variable] of Object.entries(definition.environment ?? {}))
    if (own[field] === undefined && process.env[variable]) own[field] = process.env[variable];
  return createEnvBundle({
    ...own,
    env: flags.env,
    data: flags.data,
    cacheDir: flags.cacheDir,
    seed: flags.seed,
  });
}

/** The task ids selected by --split and --tasks. */
export function selectTasks(bundle: EnvBundle, flags: Pick<EnvFlags, 'split' | 'tasks'>): string[] {
  const split = flags.split ?? 'all';
  const pool = split === 'all' ? bundle.tasks.ids : bundle.tasks.splits[split];
  if (!pool) {
    const names = ['all', ...Object.keys(bundle.tasks.splits)].join(', ');
    throw new UserError(`--split ${split}: no such split (this data has: ${names})`);
  }
  if (flags.tasks === undefined) return [...pool];
  const picked = parseRanges(flags.tasks);
  const bad = picked.find((i) => i >= pool.length);
  if (bad !== undefined)
    throw new UserError(
      `--tasks: index ${bad} is out of range (split "${split}" has ${pool.length} tasks, 0-${pool.length - 1})`,
    );
  return picked.map((i) => pool[i] as string);
}

export interface PolicyFlags {
  policy: string;
  baseUrl?: string;
  llmCache?: boolean;
  cacheDir?: string;
}

const policyReaders = new WeakMap<Command, SettingsReader<typeof POLICY_SETTINGS>>();

export function addPolicyOptions(cmd: Command): Command {
  cmd
    .option('--policy <spec>', `agent policy: ${POLICY_SPECS}`, 'heuristic')
    .option(
      '--base-url <url>',
      'OpenAI-compatible endpoint (default: $OPENAI_BASE_URL, else OpenAI); key from $OPENAI_API_KEY',
    );
  policyReaders.set(cmd, addSettings(cmd, POLICY_SETTINGS));
  return cmd.option(
    '--llm-cache',
    'cache LLM responses on disk (under --cache-dir) for reproducible re-runs',
  );
}

/**
 * The policy the flags describe; the only place the OpenAI environment variables are read.
 * Unless --llm-concurrency is given, the LLM limit follows `taskConcurrency` (the tasks the
 * command runs in parallel), so that a lower fixed limit does not silently cap them.
 */
export async function loadPolicy(
  flags: PolicyFlags,
  env: string,
  cmd?: Command,
  taskConcurrency?: number,
): Promise<Policy> {
  return createPolicy(flags.policy, policyOptionsOf(flags, env, cmd, taskConcurrency));
}

/** The policy options of loadPolicy (exported for its test). */
export function policyOptionsOf(
  flags: PolicyFlags,
  env: string,
  cmd?: Command,
  taskConcurrency?: number,
): PolicyOptions {
  const settings = valuesOf(POLICY_SETTINGS, flags as unknown as Record<string, unknown>);
  if (cmd && taskConcurrency !== undefined && !policyReaders.get(cmd)?.given('concurrency'))
    settings.concurrency = taskConcurrency;
  return {
    ...settings,
    env,
    baseUrl: flags.baseUrl ?? process.env.OPENAI_BASE_URL,
    apiKey: process.env.OPENAI_API_KEY,
    cacheDir: flags.llmCache ? (flags.cacheDir ?? '.stepq-cache') : undefined,
  };
}
