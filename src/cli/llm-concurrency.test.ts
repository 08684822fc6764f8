import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addPolicyOptions, policyOptionsOf, type PolicyFlags } from './options.js';

function parse(args: string[]): { cmd: Command; flags: PolicyFlags } {
  const cmd = addPolicyOptions(new Command('x').exitOverride());
  cmd.parse(args, { from: 'user' });
  return { cmd, flags: cmd.opts<PolicyFlags>() };
}

test('--llm-concurrency follows the task concurrency unless it is given', () => {
  const plain = parse(['--policy', 'openai:m']);
  assert.equal(policyOptionsOf(plain.flags, 'hotpotqa', plain.cmd, 16).concurrency, 16);
  assert.equal(policyOptionsOf(plain.flags, 'hotpotqa', plain.cmd, 1).concurrency, 1);
  const given = parse(['--policy', 'openai:m', '--llm-concurrency', '3']);
  assert.equal(policyOptionsOf(given.flags, 'hotpotqa', given.cmd, 16).concurrency, 3);
  // Without a task concurrency (library-style call) the setting's own default stays.
  assert.equal(policyOptionsOf(plain.flags, 'hotpotqa').concurrency, 8);
});
