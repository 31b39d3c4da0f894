/**
 * `gradlab dashboard`'s web server: node:http on 127.0.0.1, the page and its scripts from
 * files.ts, the JSON API from api.ts, all reading one run store opened read-only (training
 * processes keep writing it; every request sees what they committed so far, so the page
 * follows a live run by polling).
 *
 *   const d = await startDashboard({ db: 'runs/gradlab.db', port: 6006 });
 *   console.log(d.url); ... await d.close();
 */
import { isPostgresUrl } from '../track/storage-url.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { RunStore } from '../track/store.js';
import { handleApi, type ApiAnswer } from './api.js';
import { lookupFile, readServed } from './files.js';

export interface DashboardOptions {
  /** The run database (default ./runs/gradlab.db). */
  db?: string;
  /** 0 picks a free port. Default 6006. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /**
   * Required to listen on an address other than loopback: the dashboard has no authentication,
   * so anyone who can reach the address can read every run.
   */
  allowRemote?: boolean;
}

/** Thrown when a non-loopback host is asked for without allowRemote. */
export class RemoteHostError extends Error {
  constructor(readonly host: string) {
    super(`--host ${host} is not a loopback address: the dashboard has no authentication, so anyone who can reach ${host} could read every run in the store; pass --allow-remote to listen there anyway`);
    this.name = 'RemoteHostError';
  }
}

/** Whether an address (or 'localhost') only reaches this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export interface Dashboard {
  url: string;
  host: string;
  port: number;
  store: RunStore;
  server: Server;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 6006;

/** Thrown when the port is taken; the message names it and suggests --port. */
export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is already in use (another dashboard?); pass another with --port, e.g. --port ${port + 1}, or --port 0 for any free port`);
    this.name = 'PortInUseError';
  }
}

const PAGE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // NOTE: Vega compiles its expressions with new Function, hence 'unsafe-eval'.
  'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

/**
 * The Host header must name this server: its bound address or localhost, with its port. A page
 * on another site that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its own name as
 * Host and is refused. On a wildcard address (0.0.0.0, ::) any IP literal is accepted, never
 * another name.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (hostHeader === undefined || hostHeader === '') return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim());
  if (!m) return false;
  const name = m[1]!.replace(/^\[|\]$/g, '').toLowerCase();
  const p = m[2] === undefined ? 80 : Number(m[2]);
  if (p !== port) return false;
  const bound = boundHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === bound) return true;
  if (isLoopback(bound) || bound === '0.0.0.0' || bound === '::') {
    if (name === 'localhost' || name === '127.0.0.1' || name === '::1') return true;
  }
  return (bound === '0.0.0.0' || bound === '::') && isIP(name) !== 0;
}

/** An error message without the store's absolute path, its folder, the home or working folder. */
export function withoutPaths(message: string, store: RunStore): string {
  const full = resolve(store.path);
  const pairs: [string, string][] = [[full, '<run store>'], [dirname(full), '<store folder>'], [process.cwd(), '.'], [homedir(), '~']];
  let out = message;
  for (const [from, to] of pairs) if (from.length > 1) out = out.split(from).join(to);
  return out;
}

function send(res: ServerResponse, a: ApiAnswer, head: boolean): void {
  const body = typeof a.body === 'string' ? Buffer.from(a.body) : a.body;
  res.writeHead(a.status, { 'content-type': a.type, 'content-length': body.length, 'cache-control': 'no-store', ...PAGE_HEADERS, ...a.headers });
  res.end(head ? undefined : body);
}

function sendError(res: ServerResponse, status: number, message: string, head: boolean): void {
  send(res, { status, type: 'application/json; charset=utf-8', body: JSON.stringify({ error: message }) }, head);
}

export function handleRequest(store: RunStore, req: IncomingMessage, res: ServerResponse, bound?: { host: string; port: number }): void {
  const method = req.method ?? 'GET';
  const head = method === 'HEAD';
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  if (bound && !hostAllowed(req.headers.host, bound.host, bound.port)) {
    const shown = JSON.stringify(String(req.headers.host ?? '').slice(0, 100));
    return sendError(res, 421, `Host ${shown} is not this dashboard's address (${bound.host}:${bound.port} or localhost:${bound.port}); refused (DNS rebinding protection)`, head);
  }
  try {
    if (rawPath === '/api' || rawPath.startsWith('/api/')) {
      const a = handleApi(store, method, rawPath, query);
      if (a.status >= 400 && typeof a.body === 'string') a.body = withoutPaths(a.body, store);
      send(res, a, head);
      return;
    }
    if (method !== 'GET' && !head) return sendError(res, 405, `${method} ${rawPath}: only GET is served`, head);
    const f = lookupFile(rawPath);
    if (f.status !== 200) return sendError(res, f.status, f.message, head);
    send(res, { status: 200, type: f.type, body: readServed(f.path), headers: { 'cache-control': 'no-cache' } }, head);
  } catch (e) {
    // The full error goes to the server's terminal; the page gets it without absolute paths.
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`gradlab dashboard: ${rawPath}: ${msg}\n`);
    sendError(res, 500, withoutPaths(`${rawPath}: ${msg}`, store), head);
  }
}

/** Open the store read-only and serve the dashboard; resolves once listening. */
export async function startDashboard(o: DashboardOptions = {}): Promise<Dashboard> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`dashboard: port must be an integer in 0..65535, got ${port}`);
  if (!isLoopback(host) && !o.allowRemote) throw new RemoteHostError(host);
  const db = o.db ?? 'runs/gradlab.db';
  const store = RunStore.open(isPostgresUrl(db) ? db : resolve(db), { readonly: true }); // a postgresql:// URL reads the run store there
  const bound = { host, port };
  const server = createServer((req, res) => handleRequest(store, req, res, bound));
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  } catch (e) {
    store.close();
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new PortInUseError(host, port);
    if (code === 'EACCES') throw new Error(`not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges); pass another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new Error(`cannot listen on host '${host}' (no such address on this machine); try --host 127.0.0.1`);
    throw e;
  }
  const addr = server.address() as AddressInfo;
  bound.port = addr.port;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/`, host, port: addr.port, store, server,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          ok();
        });
      }),
  };
}
