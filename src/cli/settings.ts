/**
 * CLI flags generated from the library's setting groups (src/core/settings.ts): flag name,
 * value parser, range check, choices, default and "(required)" all come from the one
 * description. `addSettings` returns a reader that turns commander's parsed flags back into
 * the group's option object, keyed by field name (a flag may be spelled differently).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkSetting, type Setting, type Settings, type Values } from '../core/settings.js';

const kebab = (field: string) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The flag of a field, e.g. `maxDepth` -> `--max-depth`, `timeoutMs` -> `--timeout`. */
export function flagOf(field: string, s?: Pick<Setting, 'flag'>): string {
  return `--${s?.flag ?? kebab(field)}`;
}

/**
 * Field -> flag for the renaming settings seen so far, so that a library error naming an
 * option field (OptionError) is shown with the flag the user typed.
 */
const renamed = new Map<string, string>();

export function flagForField(field: string): string {
  return renamed.get(field) ?? flagOf(field);
}

function parserFor(flag: string, s: Setting): ((value: string) => unknown) | undefined {
  if (s.kind === 'boolean' || s.kind === 'choice') return undefined;
  return (raw: string) => {
    const value = s.kind === 'string' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
    const problem = checkSetting(s, value);
    if (problem) throw new InvalidArgumentError(`${flag} ${problem}`);
    return value;
  };
}

/** One commander Option for one setting. */
export function optionFor(field: string, s: Setting): Option {
  const flag = flagOf(field, s);
  const arg = s.arg ?? (s.kind === 'int' || s.kind === 'number' ? 'n' : 'value');
  const option = new Option(s.kind === 'boolean' ? flag : `${flag} <${arg}>`, s.help);
  const parse = parserFor(flag, s);
  if (parse) option.argParser(parse);
  if (s.choices) option.choices([...s.choices]);
  if (s.default !== undefined && s.kind !== 'boolean') option.default(s.default, s.defaultText);
  if (s.required) option.makeOptionMandatory();
  return option;
}

/** A group's option object from commander's parsed flags (by each setting's attribute name). */
export function valuesOf<S extends Settings>(group: S, flags: Record<string, unknown>): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [field, s] of Object.entries(group)) {
    const value = flags[optionFor(field, s).attributeName()];
    out[field] = s.kind === 'boolean' ? Boolean(value) : value;
  }
  return out as Values<S>;
}

export interface SettingsReader<S extends Settings> {
  /** The group's option object from commander's parsed flags. */
  (flags: Record<string, unknown>): Values<S>;
  /** Whether the user gave the field's flag (rather than its default). */
  given(field: keyof S & string): boolean;
}

/**
 * Adds one flag per setting of `group` to `cmd` (in the group's order) and returns the reader
 * of their values.
 */
export function addSettings<S extends Settings>(cmd: Command, group: S): SettingsReader<S> {
  const attributes: Array<[string, string]> = [];
  for (const [field, s] of Object.entries(group)) {
    const option = optionFor(field, s);
    if (s.flag) renamed.set(field, flagOf(field, s));
    cmd.addOption(option);
    attributes.push([field, option.attributeName()]);
  }
  const read = ((flags: Record<string, unknown>) => valuesOf(group, flags)) as SettingsReader<S>;
  read.given = (field) => {
    const attribute = attributes.find(([f]) => f === field)?.[1];
    return attribute !== undefined && cmd.getOptionValueSource(attribute) === 'cli';
  };
  return read;
}
