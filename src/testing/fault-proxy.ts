/**
 * A fault-injecting proxy in front of an OpenAI-compatible server, for tests of the LLM
 * path: it forwards each request to the upstream and, when the schedule says so, answers
 * with a fault instead (or alters the upstream's answer). Loopback only (it listens on
 * 127.0.0.1 and forwards only to a loopback upstream), bounded (request bodies up to 16 MiB,
 * a hang ends after `maxHangMs`, close() drops every open connection).
 *
 * The schedule sees how many times this exact body arrived before (`attempt`), so a test can
 * fault a request's first try and let its retry through: clients retry with the same body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listen, readBodyBytes, sendJson } from '../llm/http-server.js';
import { createHash } from 'node:crypto';

export type FaultKind =
  /** 429 with Retry-After (seconds) and, when given, retry-after-ms. */
  | 'rate-limit'
  /** 500 with an OpenAI-style error body. */
  | 'server-error'
  /** Never answers (until maxHangMs or close()): the client's timeout fires. */
  | 'hang'
  /** 200 with an HTML body. */
  | 'non-json'
  /** 200 with `choices: []`. */
  | 'empty-choices'
  /** The upstream's answer without its last choice. */
  | 'fewer-choices'
  /** The upstream's answer with choice 0 replaced by a reply that has no Action line. */
  | 'no-action'
  /** 400 whose error message echoes the request's Authorization header and URL. */
  | 'echo-auth'
  /** 401, as for a wrong API key. */
  | 'unauthorized';

export const RETRYABLE_FAULTS: readonly FaultKind[] = [
  'rate-limit',
  'server-error',
  'hang',
  'non-json',
  'empty-choices',
  'fewer-choices',
];

export interface FaultContext {
  /** 0-based arrival number of this POST. */
  index: number;
  /** How many times a POST with this exact body arrived before (0: first try). */
  attempt: number;
  /** sha256 of the body, for deterministic choices independent of arrival order. */
  bodyHash: string;
  body: Record<string, unknown> | undefined;
}

export interface FaultProxyOptions {
  /** Upstream base URL, e.g. `http://127.0.0.1:8000/v1` (loopback only). */
  upstream: string;
  /** Which fault to inject for a POST, or undefined to forward it unchanged. */
  faults?: (context: FaultContext) => FaultKind | undefined;
  /** Retry-After seconds sent with a rate-limit fault (default 1). */
  retryAfterSeconds?: number;
  /** retry-after-ms sent with a rate-limit fault (the OpenAI SDK prefers it), when set. */
  retryAfterMs?: number;
  /** A hang gives up (closes the socket) after this long (default 30 s). */
  maxHangMs?: number;
}

export interface FaultProxy {
  /** e.g. `http://127.0.0.1:54321/v1`. */
  readonly baseUrl: string;
  /** Faults injected so far, by kind. */
  readonly injected: Partial<Record<FaultKind, number>>;
  /** POSTs forwarded to the upstream (unaltered or altered afterwards). */
  readonly forwarded: number;
  /** Changes the schedule (e.g. a healthy phase after a faulty one). */
  setFaults(faults: FaultProxyOptions['faults']): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Picks a fault for a share of requests, on their first try only, by body hash (deterministic). */
export function firstTryFaults(
  kinds: readonly FaultKind[],
  share = 0.25,
): (c: FaultContext) => FaultKind | undefined {
  return (c) => {
    if (c.attempt > 0 || kinds.length === 0) return undefined;
    const x = parseInt(c.bodyHash.slice(0, 8), 16) / 0xffffffff;
    if (x >= share) return undefined;
    return kinds[parseInt(c.bodyHash.slice(8, 12), 16) % kinds.length];
  };
}

const errorBody = (message: string, type: string) => ({
  error: { message, type, param: null, code: null },
});

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  if (!LOOPBACK.has(upstream.hostname))
    throw new Error(`fault proxy: upstream ${upstream.host} is not a loopback address`);
  const upstreamBase = options.upstream.replace(/\/+$/, '');
  let faults = options.faults;
  const injected: Partial<Record<FaultKind, number>> = {};
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const hangs = new Set<NodeJS.Timeout>();
  let index = 0;
  let forwarded = 0;

  async function forward(req: IncomingMessage, raw: Buffer) {
    // The proxy's own path below /v1 maps onto the upstream's base path.
    const path = (req.url ?? '/').replace(/^\/v1/, '');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (typeof req.headers.authorization === 'string')
      headers.authorization = req.headers.authorization;
    forwarded++;
    const res = await fetch(`${upstreamBase}${path}`, {
      method: req.method ?? 'GET',
      headers,
      ...(req.method === 'POST' ? { body: raw } : {}),
    });
    return { status: res.status, text: await res.text() };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBodyBytes(req);
    if (req.method !== 'POST') {
      const up = await forward(req, raw);
      res.writeHead(up.status, { 'content-type': 'application/json' });
      res.end(up.text);
      return;
    }
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const attempt = seen.get(bodyHash) ?? 0;
    seen.set(bodyHash, attempt + 1);
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const fault = faults?.({ index: index++, attempt, bodyHash, body });
    if (fault) injected[fault] = (injected[fault] ?? 0) + 1;
    switch (fault) {
      case 'rate-limit':
        sendJson(res, 429, errorBody('Rate limit reached (fault proxy)', 'rate_limit_error'), {
          'retry-after': String(options.retryAfterSeconds ?? 1),
          ...(options.retryAfterMs !== undefined
            ? { 'retry-after-ms': String(options.retryAfterMs) }
            : {}),
        });
        return;
      case 'server-error':
        sendJson(res, 500, errorBody('The server had an error (fault proxy)', 'server_error'));
        return;
      case 'hang': {
        const timer = setTimeout(() => {
          hangs.delete(timer);
          res.destroy();
        }, options.maxHangMs ?? 30_000);
        hangs.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          hangs.delete(timer);
        });
        return;
      }
      case 'non-json':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway (fault proxy)</body></html>');
        return;
      case 'empty-choices':
        sendJson(res, 200, { id: 'fault', object: 'chat.completion', choices: [] });
        return;
      case 'echo-auth':
        sendJson(
          res,
          400,
          errorBody(
            `invalid request (fault proxy): Authorization: ${String(req.headers.authorization)}; url ${req.url}`,
            'invalid_request_error',
          ),
        );
        return;
      case 'unauthorized':
        sendJson(
          res,
          401,
          errorBody('Incorrect API key provided (fault proxy)', 'invalid_api_key'),
        );
        return;
      default:
        break;
    }
    const up = await forward(req, raw);
    let text = up.text;
    if ((fault === 'fewer-choices' || fault === 'no-action') && up.status === 200) {
      const json = JSON.parse(text) as { choices?: Array<{ message?: { content?: string } }> };
      const choices = json.choices ?? [];
      if (fault === 'fewer-choices')
        json.choices = choices.slice(0, Math.max(0, choices.length - 1));
      else if (choices[0]?.message)
        choices[0].message.content = 'Thought: I am not sure what to do here.';
      text = JSON.stringify(json);
    }
    res.writeHead(up.status, { 'content-type': 'application/json' });
    res.end(text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        sendJson(res, 502, errorBody(`fault proxy: ${(err as Error).message}`, 'server_error'));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, '127.0.0.1', 0);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    injected,
    get forwarded() {
      return forwarded;
    },
    setFaults(next) {
      faults = next;
    },
    close() {
      for (const timer of hangs) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
