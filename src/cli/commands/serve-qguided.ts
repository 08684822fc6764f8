import { InvalidArgumentError, Option, type Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { envNames } from '../../envs/index.js';
import { PROMPT_STYLES, type PromptStyle } from '../../proxy/conversation.js';
import { PROXY_DEFAULTS, startQGuidedProxy } from '../../proxy/server.js';
import { floatArg, intArg } from '../options.js';
import { examplesText } from '../help.js';

interface ServeQGuidedFlags {
  upstream: string;
  upstreamModel?: string;
  qmodel: string;
  env: string;
  n: number;
  style: PromptStyle;
  iclTurns?: number;
  host: string;
  port: number;
  allowHost: string[];
  apiKeyEnv?: string;
  concurrency: number;
  timeout: number;
  retries: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  log?: string;
}

function portArg(value: string): number {
  const port = intArg('--port', 0)(value);
  if (port > 65535) throw new InvalidArgumentError('--port must be at most 65535');
  return port;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function registerServeQGuided(program: Command): void {
  program
    .command('serve-qguided')
    .description(
      'Serve Q-guided decisions to any agent as an OpenAI-compatible endpoint: each chat request is answered with the best of n upstream candidates, as rated by the Q-value model. Requests it cannot decide on (tools, n > 1, unreadable conversations) pass through unchanged. See docs/proxy.md.',
    )
    .summary('Q-guided decisions as an OpenAI-compatible proxy')
    .addHelpText(
      'after',
      examplesText(
        'stepq serve-qguided --upstream http://127.0.0.1:8000/v1 --qmodel runs/demo/qmodel',
      ),
    )
    .requiredOption(
      '--upstream <url>',
      'the upstream OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (key: $OPENAI_API_KEY)',
    )
    .option('--upstream-model <name>', "model name sent upstream (default: the client's)")
    .requiredOption(
      '--qmodel <spec>',
      'Q-value model: a folder from `stepq train`, llm:... or gguf:...',
    )
    .addOption(
      new Option('--env <name>', 'the task family the Q-value model was trained on')
        .choices(envNames())
        .default('hotpotqa'),
    )
    .option(
      '--n <k>',
      'candidates asked of the upstream per decision',
      intArg('--n', 1),
      PROXY_DEFAULTS.n,
    )
    .addOption(
      new Option('--style <name>', 'how conversations are read (docs/proxy.md)')
        .choices([...PROMPT_STYLES])
        .default(PROXY_DEFAULTS.style),
    )
    .option(
      '--icl-turns <k>',
      'in-context turns before the task in the react style (default: HotPotQA 22, WebShop 8)',
      intArg('--icl-turns', 0),
    )
    .option(
      '--host <addr>',
      'listening address (keep the loopback default unless clients are elsewhere)',
      PROXY_DEFAULTS.host,
    )
    .option('--port <p>', 'port (0 = any free port)', portArg, PROXY_DEFAULTS.port)
    .option(
      '--allow-host <name>',
      'extra Host header name to accept (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option(
      '--api-key-env <NAME>',
      'require clients to send Authorization: Bearer <the value of $NAME>',
    )
    .option(
      '--concurrency <k>',
      'upstream requests in flight at most',
      intArg('--concurrency', 1),
      PROXY_DEFAULTS.concurrency,
    )
    .option(
      '--timeout <ms>',
      'upstream request timeout in ms',
      intArg('--timeout', 1),
      PROXY_DEFAULTS.timeoutMs,
    )
    .option(
      '--retries <n>',
      'retries on 429/5xx/timeouts (exponential backoff)',
      intArg('--retries', 0),
      PROXY_DEFAULTS.maxRetries,
    )
    .option(
      '--temperature <t>',
      'sampling temperature when the client sets none',
      floatArg('--temperature', 0, 2),
      PROXY_DEFAULTS.temperature,
    )
    .option(
      '--top-p <p>',
      'top_p when the client sets none',
      floatArg('--top-p', 0, 1),
      PROXY_DEFAULTS.topP,
    )
    .option(
      '--max-tokens <n>',
      'max tokens per candidate when the client sets none',
      intArg('--max-tokens', 1),
      PROXY_DEFAULTS.maxTokens,
    )
    .option('--log <file>', 'append one JSON line per decision (open it with `stepq view FILE`)')
    .addHelpText(
      'after',
      '\nExample:\n  stepq serve-policy --port 8000 &\n  stepq serve-qguided --upstream http://127.0.0.1:8000/v1 --qmodel runs/demo/qmodel --port 8100 --log decisions.jsonl\n  # then point any OpenAI client at http://127.0.0.1:8100/v1',
    )
    .action(async (flags: ServeQGuidedFlags) => {
      let clientKey: string | undefined;
      if (flags.apiKeyEnv) {
        clientKey = process.env[flags.apiKeyEnv];
        if (!clientKey)
          throw new UserError(
            `--api-key-env ${flags.apiKeyEnv}: that environment variable is empty or unset`,
          );
      }
      const { loadQModel } = await import('../specs.js');
      const qmodel = await loadQModel(flags.qmodel, { apiKey: process.env.OPENAI_API_KEY });
      const proxy = await startQGuidedProxy({
        upstreamUrl: flags.upstream,
        ...(flags.upstreamModel ? { upstreamModel: flags.upstreamModel } : {}),
        ...(process.env.OPENAI_API_KEY ? { upstreamApiKey: process.env.OPENAI_API_KEY } : {}),
        qmodel,
        env: flags.env,
        n: flags.n,
        style: flags.style,
        ...(flags.iclTurns !== undefined ? { iclTurns: flags.iclTurns } : {}),
        host: flags.host,
        port: flags.port,
        allowedHosts: flags.allowHost,
        ...(clientKey ? { clientKey } : {}),
        concurrency: flags.concurrency,
        timeoutMs: flags.timeout,
        maxRetries: flags.retries,
        temperature: flags.temperature,
        topP: flags.topP,
        maxTokens: flags.maxTokens,
        ...(flags.log ? { logPath: flags.log } : {}),
      });
      const print = (line: string) => process.stdout.write(`${line}\n`);
      print(
        `Q-guided proxy (${qmodel.name}, n = ${flags.n}) at ${proxy.baseUrl}, upstream ${new URL(flags.upstream).origin}`,
      );
      if (!LOOPBACK.has(flags.host) && !clientKey)
        print('warning: listening beyond loopback with no client key; add --api-key-env NAME');
      print('stop with Ctrl-C');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await proxy.close();
      print(
        `stopped (${proxy.counts.decided} decided, ${proxy.counts.passedThrough} passed through, ${proxy.counts.failed} failed)`,
      );
    });
}
