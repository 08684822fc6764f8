/**
 * Help output: descriptions are written as prose (no hard line breaks) and wrapped to the
 * terminal here; an indented list line ("  name  text") wraps with a hanging indent under
 * its text. Every command shows examples, and required flags say so.
 */
import { Help, type Command } from 'commander';

const defaultHelp = new Help();
// Hanging list lines leave narrow columns; wrap them too (commander stops below 40).
defaultHelp.minWidthToWrap = 12;

/** Wraps `str` to `width`, keeping list lines' continuation under their text. */
export function wrapHelpText(str: string, width: number): string {
  return str
    .split('\n')
    .map((line) => {
      const item = /^(\s+(?:\S+(?: \S+)*\s{2,})?)(\S.*)$/.exec(line);
      if (!item) return defaultHelp.boxWrap(line, width);
      const indent = (item[1] as string).length;
      if (width - indent < 20) return line;
      const body = defaultHelp.boxWrap(item[2] as string, width - indent);
      return (item[1] as string) + body.replace(/\n/g, `\n${' '.repeat(indent)}`);
    })
    .join('\n');
}

/** Help settings for the program; subcommands inherit them. */
export const HELP_CONFIGURATION: Partial<Help> = {
  boxWrap(str: string, width: number): string {
    return wrapHelpText(str, width);
  },
  // Option descriptions are never preformatted: let them wrap.
  preformatted: () => false,
};

/** An "Examples:" block (one command per line), for `addHelpText('after', ...)`. */
export function examplesText(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

/** Adds an "Examples:" block after the options. */
export function addExamples(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText('after', examplesText(...lines));
}

/** Appends "(required)" to the help of every mandatory flag, in all subcommands. */
export function markRequired(cmd: Command): void {
  for (const option of cmd.options)
    if (option.mandatory && !option.description.endsWith('(required)'))
      option.description = `${option.description} (required)`;
  for (const sub of cmd.commands) markRequired(sub);
}
