/**
 * `stepq view`: a local web app over a run folder. node:http on 127.0.0.1 only; a fixed
 * list of static files (the client and its two libraries, preact and htm, served from
 * node_modules so nothing is fetched from the network) and the JSON API of ./api.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/errors.js';
import { OptionError } from '../core/settings.js';
import {
  listTasks,
  nodeDetail,
  runSummary,
  taskDetail,
  taskPairs,
  taskTrajectories,
  training,
  treeSlice,
  type ApiResponse,
} from './api.js';
import { openRun } from './decision-log-view.js';
import { TreeCache, type RunFolder } from './run-folder.js';

export const VIEW_HOST = '127.0.0.1';
export const DEFAULT_VIEW_PORT = 7321;

const require = createRequire(import.meta.url);
const clientDir = fileURLToPath(new URL('./client/', import.meta.url));

/** URL path -> [file, content type]. Nothing outside this table is ever read. */
function staticFiles(): Map<string, [string, string]> {
  const js = 'text/javascript; charset=utf-8';
  return new Map([
    ['/', [join(clientDir, 'index.html'), 'text/html; charset=utf-8']],
    ['/app.js', [join(clientDir, 'app.js'), js]],
    ['/style.css', [join(clientDir, 'style.css'), 'text/css; charset=utf-8']],
    ['/vendor/preact.mjs', [require.resolve('preact'), js]],
    ['/vendor/hooks.mjs', [require.resolve('preact/hooks'), js]],
    ['/vendor/htm.mjs', [join(dirname(require.resolve('htm')), 'htm.module.js'), js]],
  ]);
}

export interface Viewer {
  url: string;
  port: number;
  run: RunFolder;
  server: Server;
  close(): Promise<void>;
}

/** The page may only load from itself: no inline script but the import map, nothing remote. */
function contentSecurityPolicy(): string {
  const page = readFileSync(join(clientDir, 'index.html'), 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
  const hash = createHash('sha256').update(importMap).digest('base64');
  return `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'`;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  csp = "default-src 'none'",
): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': csp,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, r: ApiResponse) =>
  send(res, r.status, 'application/json; charset=utf-8', JSON.stringify(r.body));

function route(run: RunFolder, trees: TreeCache, url: URL): ApiResponse {
  const parts = url.pathname.split('/').slice(2); // after '/api'
  let taskId: string | undefined;
  try {
    taskId = parts[1] === undefined ? undefined : decodeURIComponent(parts[1]);
  } catch {
    return { status: 400, body: { error: 'bad task id encoding' } };
  }
  const [name] = parts;
  if (parts.length === 1 && name === 'summary') return runSummary(run);
  if (parts.length === 1 && name === 'tasks') return listTasks(run, url);
  if (parts.length === 1 && name === 'training') return training(run);
  if (parts.length === 2 && taskId !== undefined) {
    if (name === 'task') return taskDetail(run, taskId);
    if (name === 'tree') return treeSlice(trees, taskId, url);
    if (name === 'node') return nodeDetail(trees, taskId, url);
    if (name === 'trajectories') return taskTrajectories(run, taskId);
    if (name === 'pairs') return taskPairs(run, taskId);
  }
  return { status: 404, body: { error: `no such endpoint: ${url.pathname}` } };
}

export function handler(run: RunFolder): (req: IncomingMessage, res: ServerResponse) => void {
  const files = staticFiles();
  const csp = contentSecurityPolicy();
  const trees = new TreeCache(run);
  return (req, res) => {
    // Only pages served by this viewer may talk to it (guards against DNS rebinding).
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (host !== VIEW_HOST && host !== 'localhost')
      return send(res, 403, 'text/plain', 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'method not allowed');
    const raw = req.url ?? '/';
    if (
      raw.includes('..') ||
      raw.includes('\\') ||
      /%2e|%2f|%5c/i.test(raw.split('?')[0] as string)
    ) {
      if (!raw.startsWith('/api/')) return send(res, 400, 'text/plain', 'bad path');
    }
    const url = new URL(raw, `http://${VIEW_HOST}`);
    try {
      if (url.pathname.startsWith('/api/')) return sendJson(res, route(run, trees, url));
      const file = files.get(url.pathname === '/index.html' ? '/' : url.pathname);
      if (!file) return send(res, 404, 'text/plain', 'not found');
      return send(res, 200, file[1], readFileSync(file[0]), csp);
    } catch (err) {
      const message = err instanceof UserError ? err.message : 'internal error';
      if (!(err instanceof UserError))
        process.stderr.write(`stepq view: ${(err as Error).stack ?? String(err)}\n`);
      return sendJson(res, { status: 500, body: { error: message } });
    }
  };
}

/** Opens the run folder and listens on 127.0.0.1 (port 0 = any free port). */
export async function startViewer(dir: string, port = DEFAULT_VIEW_PORT): Promise<Viewer> {
  const run = openRun(dir);
  const server = createServer(handler(run));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new OptionError('port', `in use on ${VIEW_HOST} (pick another)`, String(port))
          : err,
      ),
    );
    server.listen(port, VIEW_HOST, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${VIEW_HOST}:${actual}/`,
    port: actual,
    run,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
