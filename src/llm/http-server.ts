/**
 * The pieces every OpenAI-compatible server of stepq shares (serve-policy, serve-qguided):
 * OpenAI-style error bodies, a bounded body reader, the Host check against DNS rebinding,
 * and listening with one-line errors for the usual port problems.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../core/errors.js';
import { OptionError } from '../core/settings.js';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** An error answered as `{error: {message, type, param, code}}` with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly type = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers an error as OpenAI does; a response already under way is cut instead. */
export function sendError(res: ServerResponse, err: unknown): void {
  const e =
    err instanceof HttpError
      ? err
      : new HttpError(500, `internal error: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.status, {
    error: { message: e.message, type: e.type, param: e.param, code: e.code },
  });
}

/** The request body as bytes, refused (413) past maxBytes. */
export function readBodyBytes(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new HttpError(413, `request body exceeds ${maxBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return (await readBodyBytes(req, maxBytes)).toString('utf8');
}

/** Parses a JSON request body; invalid JSON is a 400 naming the parser's complaint. */
export function parseJsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Whether a request's Host header names this server: the loopback names always, and the
 * listening host and any extra names the user allowed. Refusing others stops DNS rebinding.
 */
export function hostAllowed(
  header: string | undefined,
  listenHost: string,
  extra: readonly string[] = [],
): boolean {
  if (!header) return false;
  const name = header.startsWith('[')
    ? header.slice(0, header.indexOf(']') + 1)
    : header.replace(/:\d+$/, '');
  const allowed = ['127.0.0.1', 'localhost', '[::1]', listenHost, ...extra];
  return allowed.some((a) => a.toLowerCase() === name.toLowerCase());
}

/** Listens on host:port (0 = any free port) and returns the port; port problems are UserErrors. */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new OptionError('port', `in use on ${host} (pick another)`, String(port)));
      else if (err.code === 'EACCES')
        reject(new UserError(`no permission to listen on ${host}:${port} (use a port above 1023)`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
        reject(new OptionError('host', 'no such local address to listen on', host));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and drops open keep-alive connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
