import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from './main.js';
import { wrapHelpText } from './help.js';

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ getOutHelpWidth: () => 80, writeOut: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

const commands = allCommands(buildProgram());

test('every command has a one-line summary, an example and prose that the help wraps', () => {
  assert.ok(commands.length >= 10);
  for (const cmd of commands) {
    const name = cmd.name();
    assert.ok(cmd.summary(), `${name}: no summary`);
    assert.match(helpOf(cmd), /\nExamples:\n {2}stepq /, `${name}: no example`);
    // A line break in a description starts or ends a list item, or ends a sentence.
    const lines = cmd.description().split('\n');
    lines.slice(0, -1).forEach((line, i) => {
      const next = lines[i + 1] as string;
      assert.ok(
        /[.:]$/.test(line) || /^\s/.test(next) || /^\s/.test(line),
        `${name}: hard line break mid-sentence after "${line}"`,
      );
    });
    // Examples are commands to copy, not prose: they stay on one line.
    for (const line of (helpOf(cmd).split('\nExamples:')[0] as string).split('\n'))
      assert.ok(
        line.length <= 80 || !line.trim().includes(' '),
        `${name}: unwrapped line "${line}"`,
      );
  }
});

test('each default is shown once, and required flags say so', () => {
  for (const cmd of commands)
    for (const option of cmd.options) {
      const text = `${option.description} ${option.defaultValue === undefined ? '' : '(default)'}`;
      assert.ok(!/default: [^;)]*\)[^]*\(default/.test(text), `${cmd.name()} ${option.flags}`);
      assert.ok(
        !(option.defaultValue !== undefined && /\(default: /.test(option.description)),
        `${cmd.name()} ${option.flags}: the default is in its help text and shown again`,
      );
      if (option.mandatory) assert.match(option.description, /\(required\)$/);
    }
  const train = commands.find((c) => c.name() === 'train') as Command;
  assert.match(helpOf(train), /--pairs <file>\s+preference pairs[^\n]*\n?[^\n]*\(required\)/);
});

test('list lines wrap under their text', () => {
  const text = wrapHelpText('Rules:\n  greedy  one two three four five six seven eight', 30);
  assert.equal(text, 'Rules:\n  greedy  one two three four\n          five six seven eight');
});
