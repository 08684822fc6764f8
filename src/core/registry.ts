/**
 * The environment registry. An environment registers itself once, with everything the rest
 * of stepq needs to know about it (name, depth limit, returns, prompt, heuristic policy,
 * options, data sources), and the CLI, the demo, the agent and the viewer look it up here by
 * name. Gymnasium's `register` plays the same role; nothing outside the env's own folder and
 * its one registration line names an env.
 */
import type { z } from 'zod';
import type { EnvBundle, ReturnRules } from './env.js';
import { UserError } from './errors.js';
import type { Policy } from './policy.js';
import type { AgentPrompt } from './prompt.js';

/** Options every env factory receives. */
export interface EnvCreateOptions {
  /** A file, a folder, or `builtin:<name>[:N]`; undefined means the env's default data. */
  data?: string;
  /** Seed for anything the env randomises (task splits, hidden values). */
  seed: number;
  /** Folder for on-disk caches. */
  cacheDir?: string;
}

/** One env-specific option: the field of the env's options object and its CLI flag. */
export interface EnvOptionFlag {
  /** Field name in the options object, e.g. `webshopUrl`. */
  field: string;
  /** Commander flag syntax, e.g. `--webshop-url <url>`. */
  flag: string;
  help: string;
  choices?: readonly string[];
}

/** Where an env's tasks come from. */
export interface EnvDataSources {
  /** What `data: undefined` means, e.g. `builtin:synthetic`. */
  default: string;
  /** A larger built-in data set for `stepq demo` (meaningful intervals), if it differs. */
  demo?: string;
  /** One line each, e.g. `builtin:synthetic[:N]` or `a file in the official layout`. */
  accepted: readonly string[];
  /** A small data set that loads in well under a second (the conformance suite uses it). */
  sample?: string;
}

export interface EnvDefinition<O extends object = Record<string, unknown>> {
  /** The name used by `--env` and recorded in trees, pairs and trajectories. */
  name: string;
  /** One line for `--help` and reports. */
  description: string;
  /** Default depth limit (actions per episode). */
  maxDepth: number;
  returns: ReturnRules;
  prompt: AgentPrompt;
  /** The embedded offline policy for this env (`--policy heuristic`), if it has one. */
  heuristicPolicy?: () => Policy;
  /** Validates the env-specific options; errors name the option field. */
  options?: z.ZodType<O>;
  /** The CLI flags of the env-specific options (fields of `options`). */
  optionFlags?: readonly EnvOptionFlag[];
  /**
   * Option fields the CLI fills from an environment variable when no flag sets them, e.g.
   * `{ wikiUrl: 'STEPQ_WIKI_URL' }` (the library itself reads no environment variable).
   */
  environment?: Readonly<Record<string, string>>;
  data: EnvDataSources;
  /** Builds the env and its task set. */
  create(options: EnvCreateOptions & O): Promise<EnvBundle>;
}

// Definitions are stored with their options type erased; `createEnv` validates at the boundary.
type AnyEnvDefinition = EnvDefinition<object>;

const envs = new Map<string, AnyEnvDefinition>();

/**
 * Registers an env. Registering the same name twice is a mistake (two definitions would
 * silently shadow each other), unless it is the very same definition object (a module
 * evaluated once per loader).
 */
export function registerEnv<O extends object>(definition: EnvDefinition<O>): void {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name))
    throw new Error(`env name "${definition.name}" must be lower-case letters, digits and dashes`);
  const existing = envs.get(definition.name);
  if (existing && existing !== definition)
    throw new Error(`env "${definition.name}" is already registered`);
  envs.set(definition.name, definition as AnyEnvDefinition);
}

/** Removes an env (tests that register a throwaway env clean up with this). */
export function unregisterEnv(name: string): boolean {
  return envs.delete(name);
}

/** The registered env names, in registration order. */
export function envNames(): string[] {
  return [...envs.keys()];
}

export function findEnv(name: string): AnyEnvDefinition | undefined {
  return envs.get(name);
}

export function getEnv(name: string): AnyEnvDefinition {
  const definition = envs.get(name);
  if (!definition)
    throw new UserError(`unknown env "${name}" (registered: ${envNames().join(', ') || 'none'})`);
  return definition;
}

/** Options for `createEnv`: the common ones plus the env's own fields. */
export interface CreateEnvOptions extends EnvCreateOptions {
  env: string;
  [field: string]: unknown;
}

/** Builds a registered env from options, validating its env-specific fields first. */
export async function createEnv(options: CreateEnvOptions): Promise<EnvBundle> {
  const definition = getEnv(options.env);
  const { env: _env, data, seed, cacheDir, ...rest } = options;
  let own: Record<string, unknown> = {};
  if (definition.options) {
    const parsed = definition.options.safeParse(dropUndefined(rest));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(options)';
      throw new UserError(
        `env ${definition.name}: option ${field}: ${issue?.message ?? 'invalid'}`,
      );
    }
    own = parsed.data as Record<string, unknown>;
  }
  return definition.create({ ...own, data, seed, cacheDir });
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
