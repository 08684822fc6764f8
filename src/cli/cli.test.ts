import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliBatch, runCliBatch, type CliResult } from './testing/cli.js';

/** Every run of this file but one goes to a single CLI process (see CliBatch). */
const batch = new CliBatch();
const help = batch.add(['--help']);
const missingData = batch.add(['eval', '--data', '/no/such/file.json']);
const version = batch.add(['--version']);
const qguidedWithoutModel = batch.add(['eval', '--algorithm', 'qguided']);

const PARSER_MISTAKES: Array<[string[], RegExp]> = [
  [['eval', '--n', 'zero'], /--n must be a whole number >= 1/],
  [['collect', '--n', '0', '--out', 'x'], /--n must be a whole number >= 2/],
  [['demo', '--n', '1'], /--n must be a whole number >= 2/],
  [['eval', '--env', 'bogus'], /Allowed choices are/],
  [['train', '--out', 'x'], /required option '--pairs <file>' not specified/],
  [['eval', '--no-such-flag'], /unknown option '--no-such-flag'/],
  [['evl'], /unknown command 'evl'/],
  [['train', '--pairs', 'p', '--out', 'x', '--lr', '0'], /--lr must be a number > 0/],
  // An empty task list is a mistake, not "all tasks".
  [['eval', '--tasks', ''], /--tasks must not be empty/],
  [['eval', '--tasks', ','], /--tasks ",": selects no task/],
];
const parserMistakes = PARSER_MISTAKES.map(([args]) => batch.add(args));

const LIBRARY_ERRORS: Array<[string[], RegExp]> = [
  [['eval', '--data', 'builtin:nope'], /^stepq: --data builtin:nope: unknown built-in data/],
  [['eval', '--policy', 'openai:'], /^stepq: --policy: openai:<model> needs a model name/],
  [['eval', '--env', 'webshop', '--webshop-url', 'nope'], /^stepq: --webshop-url nope: not a URL/],
  [['collect', '--shard', '5/2', '--out', 'x'], /^stepq: --shard 5\/2: expected i\/m/],
];
const libraryErrors = LIBRARY_ERRORS.map(([args]) => batch.add(args));

test('--help lists the commands', () => {
  const r = help();
  assert.equal(r.status, 0);
  assert.match(r.stdout, /eval/);
  assert.match(r.stdout, /demo/);
});

test('a user mistake prints one clear line and exits 2, without a stack trace', () => {
  const r = missingData();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no such file/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('every mistake the option parser finds is one line and exit 2', () => {
  for (const [i, [args, message]] of PARSER_MISTAKES.entries()) {
    const r = (parserMistakes[i] as () => CliResult)();
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
  }
});

test('--version prints the package version', async () => {
  const { STEPQ_VERSION } = await import('../core/version.js');
  const r = version();
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), STEPQ_VERSION);
  assert.match(STEPQ_VERSION, /^\d+\.\d+\.\d+/);
});

test('qguided without a Q-value model is a user error', () => {
  const r = qguidedWithoutModel();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /needs --qmodel/);
});

test('eval says why episodes failed when the LLM cannot be reached, and exits 1', async () => {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const [r] = runCliBatch([
    [
      'eval',
      '--policy',
      'openai:m',
      '--base-url',
      `http://127.0.0.1:${port}/v1`,
      '--tasks',
      '0-1',
      '--retries',
      '0',
      '--json',
    ],
  ]) as [CliResult];
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).errors, 2);
  assert.match(r.stderr, /2 episode\(s\) failed/);
  assert.match(r.stderr, /could not connect/);
});

test('library errors name option fields; the CLI shows them with the flags', () => {
  for (const [i, [args, message]] of LIBRARY_ERRORS.entries()) {
    const r = (libraryErrors[i] as () => CliResult)();
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /options\./);
  }
});
