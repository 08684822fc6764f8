/**
 * One description per setting: its type, default, range and help text, in one typed object.
 * Library functions resolve their options from these groups (defaults filled in, values
 * checked, errors naming the option field), and the CLI generates its flags from the same
 * groups (src/cli/settings.ts), so a default or a range is written down exactly once.
 * Groups compose by spreading: the pipeline's group is search + pairs + train + eval.
 */
import { z } from 'zod';
import { UserError } from './errors.js';

export type SettingKind = 'int' | 'number' | 'string' | 'boolean' | 'choice';

export interface Setting<T = unknown> {
  readonly kind: SettingKind;
  /** Checks a value of the right type (range, integer, choice) with a message a user can act on. */
  readonly schema: z.ZodType<NonNullable<T>>;
  /** Undefined: the setting is optional and its absence means something (e.g. "the env's"). */
  readonly default: T;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly choices?: readonly string[];
  /** CLI flag without the dashes, when it is not the kebab-case of the field name. */
  readonly flag?: string;
  /** CLI value placeholder, e.g. `k` for `--iterations <k>`. */
  readonly arg?: string;
  /** The CLI refuses to run without it. */
  readonly required?: boolean;
  /** How `--help` states the default, when the value alone would mislead. */
  readonly defaultText?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Settings = Record<string, Setting<any>>;

/** The option object a group describes. */
export type Values<S extends Settings> = { [K in keyof S]: S[K]['default'] };

interface Common<T> {
  help: string;
  default?: T;
  flag?: string;
  arg?: string;
  required?: boolean;
  defaultText?: string;
}

type WithDefault<T, O> = O extends { default: T } ? T : T | undefined;

function rangeText(what: string, min?: number, max?: number, above?: number): string {
  if (above !== undefined)
    return `must be ${what} > ${above}${max === undefined ? '' : ` and <= ${max}`}`;
  if (min !== undefined && max !== undefined) return `must be ${what} in [${min}, ${max}]`;
  if (min !== undefined) return `must be ${what} >= ${min}`;
  if (max !== undefined) return `must be ${what} <= ${max}`;
  return `must be ${what}`;
}

interface Bounds {
  min?: number;
  max?: number;
  /** Exclusive lower bound (e.g. a learning rate > 0). */
  above?: number;
}

function numberSetting<O extends Common<number> & Bounds>(
  kind: 'int' | 'number',
  o: O,
): Setting<WithDefault<number, O>> {
  const message = rangeText(kind === 'int' ? 'a whole number' : 'a number', o.min, o.max, o.above);
  let schema = z.number({ message }).refine(Number.isFinite, { message });
  if (kind === 'int') schema = schema.refine(Number.isInteger, { message });
  if (o.min !== undefined) schema = schema.refine((x) => x >= (o.min as number), { message });
  if (o.max !== undefined) schema = schema.refine((x) => x <= (o.max as number), { message });
  if (o.above !== undefined) schema = schema.refine((x) => x > (o.above as number), { message });
  return { kind, schema, default: o.default as WithDefault<number, O>, ...rest(o) };
}

function rest<O extends Common<unknown> & Bounds>(o: O) {
  const { help, flag, arg, required, min, max, above, defaultText } = o;
  return { help, flag, arg, required, min, max, above, defaultText };
}

/** A whole number, optionally bounded. */
export function int<O extends Common<number> & Bounds>(o: O) {
  return numberSetting('int', o);
}

/** A finite number, optionally bounded. */
export function num<O extends Common<number> & Bounds>(o: O) {
  return numberSetting('number', o);
}

/** A non-empty string (an empty value is a mistake, never "the default"). */
export function str<O extends Common<string>>(o: O): Setting<WithDefault<string, O>> {
  const schema = z.string({ message: 'must be a string' }).min(1, { message: 'must not be empty' });
  return { kind: 'string', schema, default: o.default as WithDefault<string, O>, ...rest(o) };
}

/** An on/off switch; off unless given. */
export function bool(o: Omit<Common<boolean>, 'default' | 'arg'>): Setting<boolean> {
  return {
    kind: 'boolean',
    schema: z.boolean({ message: 'must be true or false' }),
    default: false,
    ...rest(o),
  };
}

/**
 * One of a list of names: a fixed list, or a function for an open registry (read each time,
 * so names registered later count).
 */
export function choice<const C extends readonly string[], O extends Common<C[number]>>(
  choices: C | (() => C),
  o: O,
): Setting<WithDefault<C[number], O>> {
  const list = (): C => (typeof choices === 'function' ? choices() : choices);
  const schema = z.custom<C[number]>((x) => typeof x === 'string' && list().includes(x), {
    error: () => `must be one of ${list().join(', ')}`,
  });
  return {
    kind: 'choice',
    schema,
    get choices() {
      return list();
    },
    default: o.default as WithDefault<C[number], O>,
    ...rest(o),
  };
}

/** The same setting with other defaults, bounds or help (e.g. a command that needs n >= 2). */
export function withChanges<T>(s: Setting<T>, changes: Partial<Common<T>>): Setting<T> {
  return { ...s, ...changes } as Setting<T>;
}

/** Every default of a group, as an option object. */
export function defaultsOf<S extends Settings>(group: S): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(group)) out[key] = s.default;
  return out as Values<S>;
}

/**
 * A mistake in one option's value. The message names the option field (`options.n`); the
 * CLI renders the same error with its flag names instead (`--n`). `{{field}}` in the detail
 * refers to another option and is rendered the same way.
 */
export class OptionError extends UserError {
  constructor(
    readonly field: string,
    readonly detail: string,
    /** The offending value as the user wrote it, shown after the option's name. */
    readonly value?: string,
  ) {
    super('');
    this.name = 'OptionError';
    this.message = this.render((f) => `options.${f}`);
  }

  render(name: (field: string) => string): string {
    const head = this.value === undefined ? name(this.field) : `${name(this.field)} ${this.value}`;
    return `${head}: ${this.detail.replace(/\{\{(\w+)\}\}/g, (_, f: string) => name(f))}`;
  }
}

/** Checks one value against its description; returns why it is wrong, or undefined. */
export function checkSetting(s: Setting, value: unknown): string | undefined {
  if (value === undefined) return s.required ? 'is required' : undefined;
  const result = s.schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is invalid');
}

/**
 * A caller's (partial) options completed with the group's defaults and checked against it.
 * Keys outside the group are passed through untouched, so option objects can carry more.
 */
export function resolveSettings<S extends Settings, I extends Partial<Values<S>>>(
  group: S,
  input: I,
): Values<S> & Omit<I, keyof S> {
  const out: Record<string, unknown> = { ...input };
  for (const [key, s] of Object.entries(group)) {
    // Setting values are plain scalars; checkSetting says when one is not.
    const value = ((input as Record<string, unknown>)[key] ?? s.default) as
      string | number | boolean | undefined;
    const problem = checkSetting(s, value);
    if (problem)
      throw new OptionError(key, problem, value === undefined ? undefined : String(value));
    out[key] = value;
  }
  return out as Values<S> & Omit<I, keyof S>;
}

/** The fields of `keys` from an option object (e.g. a group's part of a composed one). */
export function pick<T extends object, K extends keyof T>(
  values: T,
  keys: readonly K[],
): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = values[key];
  return out;
}

/** A group without some of its settings (e.g. one a command declares in another group). */
export function omit<S extends Settings, K extends keyof S>(
  group: S,
  keys: readonly K[],
): Omit<S, K> {
  const out: Record<string, Setting> = { ...group };
  for (const key of keys) delete out[key as string];
  return out as Omit<S, K>;
}
