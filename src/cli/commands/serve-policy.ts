import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Policy } from '../../core/policy.js';
import { envNames, getEnv } from '../../envs/index.js';
import { startPolicyServer, SERVED_MODEL } from '../../llm/serve-policy.js';
import { intArg } from '../options.js';
import { examplesText } from '../help.js';

export interface ServePolicyFlags {
  port: number;
  latencyMs: number;
  env: string;
}

export interface ServePolicyDeps {
  policyFor: (env: string) => Policy | Promise<Policy>;
  /** Called once the server listens; resolves when it should stop (the CLI: SIGINT or SIGTERM). */
  untilStop: () => Promise<unknown>;
  print: (line: string) => void;
}

async function heuristicPolicy(env: string): Promise<Policy> {
  const { createHeuristicPolicy } = await import('../../agent/heuristic/index.js');
  return createHeuristicPolicy(env);
}

function portArg(value: string): number {
  const port = intArg('--port', 0)(value);
  if (port > 65535) throw new InvalidArgumentError('--port must be at most 65535');
  return port;
}

/** A promise that resolves on the first SIGINT/SIGTERM, after which both handlers are removed. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Runs the server until `deps.stopped` resolves; tests pass their own deps. */
export async function servePolicy(flags: ServePolicyFlags, deps: ServePolicyDeps): Promise<void> {
  const server = await startPolicyServer({
    policyFor: deps.policyFor,
    env: flags.env,
    host: '127.0.0.1',
    port: flags.port,
    latencyMs: flags.latencyMs,
  });
  deps.print(
    `serving the ${flags.env} heuristic policy as model "${SERVED_MODEL}" at ${server.baseUrl}` +
      (flags.latencyMs ? ` (+${flags.latencyMs} ms per request)` : ''),
  );
  deps.print(`use it with: --policy openai:${SERVED_MODEL} --base-url ${server.baseUrl}`);
  deps.print('stop with Ctrl-C');
  await deps.untilStop();
  await server.close();
  deps.print('stopped');
}

export function registerServePolicy(program: Command): void {
  program
    .command('serve-policy')
    .summary('the heuristic policy as an OpenAI-compatible server')
    .description(
      'Serve the heuristic policy as an OpenAI-compatible chat endpoint on 127.0.0.1, to run ' +
        'the LLM path (n, seeds, retries, limits, cache) offline. Token counts in its usage are ' +
        'estimates (about 4 characters per token).',
    )
    .addHelpText(
      'after',
      examplesText(
        'stepq serve-policy --port 8000 &',
        'stepq eval --policy openai:heuristic --base-url http://127.0.0.1:8000/v1 --tasks 0-19',
      ),
    )
    .option('--port <p>', 'port on 127.0.0.1 (0 = any free port)', portArg, 8000)
    .option(
      '--latency-ms <ms>',
      'delay added to every answer, to simulate a slow LLM',
      intArg('--latency-ms', 0),
      0,
    )
    .addOption(
      new Option('--env <name>', 'the env whose heuristic is served')
        .choices(envNames().filter((name) => getEnv(name).heuristicPolicy))
        .default('hotpotqa'),
    )
    .action(async (flags: ServePolicyFlags) => {
      await servePolicy(flags, {
        policyFor: heuristicPolicy,
        untilStop: untilSignal,
        print: (line) => process.stdout.write(`${line}\n`),
      });
    });
}
