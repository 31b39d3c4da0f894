/**
 * A synchronous PostgreSQL connection over the asynchronous `pg` client, so that the run store
 * and the tune storage keep one synchronous API (as better-sqlite3 gives them) on either store.
 *
 * How: the `pg` client lives in a worker thread (pg-sync-worker.ts). A call posts the query on a
 * MessagePort and blocks on Atomics.wait over a shared flag; the worker runs the query, posts the
 * answer and flips the flag; the caller then reads the answer with receiveMessageOnPort. One
 * connection per SyncPg, so BEGIN … COMMIT issued as separate calls form one transaction.
 *
 * Errors: connecting fails with PgUnreachableError, PgMissingDatabaseError or PgAuthError, each
 * naming the URL without its password; a failed query throws PgQueryError with the server's
 * SQLSTATE in `code` and the SQL in the message.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { redactUrl } from './storage-url.js';

export type PgParam = string | number | null | Uint8Array | boolean;
export type PgRow = Record<string, unknown>;

export interface PgResult {
  rows: PgRow[];
  rowCount: number;
}

export type PgRequest =
  | { op: 'connect' }
  | { op: 'query'; sql: string; params: PgParam[] }
  | { op: 'close' };

export type PgResponse =
  | { ok: true; rows: PgRow[]; rowCount: number }
  | { ok: false; message: string; code?: string; errno?: string };

export class PgUnreachableError extends Error {
  constructor(readonly url: string, detail: string) {
    super(`cannot reach the PostgreSQL server for ${url} (${detail}); is the server running and listening at that host and port?`);
    this.name = 'PgUnreachableError';
  }
}

export class PgMissingDatabaseError extends Error {
  constructor(readonly url: string, readonly database: string) {
    super(`database '${database}' does not exist on the PostgreSQL server of ${url}; create it first (createdb ${database}, or CREATE DATABASE "${database}")`);
    this.name = 'PgMissingDatabaseError';
  }
}

export class PgAuthError extends Error {
  constructor(readonly url: string, detail: string) {
    super(`the PostgreSQL server refused the login for ${url}: ${detail}`);
    this.name = 'PgAuthError';
  }
}

export class PgQueryError extends Error {
  constructor(readonly url: string, message: string, readonly code: string | undefined, readonly sql: string) {
    super(`${url}: ${message}${code ? ` (SQLSTATE ${code})` : ''} in: ${sql.replace(/\s+/g, ' ').trim().slice(0, 300)}`);
    this.name = 'PgQueryError';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'ENOENT', 'EAI_AGAIN', 'EPIPE']);

/** How long one call may wait for the server before it is reported (ms). */
const CALL_LIMIT_MS = 10 * 60 * 1000;

export interface SyncPgOptions {
  /** Give up connecting after this many ms (default 10000). */
  connectTimeoutMs?: number;
}

export class SyncPg {
  /** The URL without its password, for messages. */
  readonly shown: string;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private closed = false;

  constructor(readonly url: string, opts: SyncPgOptions = {}) {
    this.shown = redactUrl(url);
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./pg-sync-worker.js', import.meta.url), {
      workerData: { url, flag: this.flag.buffer, port: port2, connectTimeoutMs: opts.connectTimeoutMs ?? 10000 },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
    const r = this.call({ op: 'connect' });
    if (!r.ok) {
      this.stop();
      throw this.connectError(r);
    }
  }

  private connectError(r: { message: string; code?: string; errno?: string }): Error {
    if (r.code === '3D000') {
      let db = '';
      try {
        db = decodeURIComponent(new URL(this.url).pathname.replace(/^\//, ''));
      } catch {
        db = '?';
      }
      return new PgMissingDatabaseError(this.shown, db);
    }
    if (r.code === '28P01' || r.code === '28000') return new PgAuthError(this.shown, r.message);
    if ((r.errno && UNREACHABLE.has(r.errno)) || (r.code && UNREACHABLE.has(r.code)) || /timeout|terminated|ECONN|connect/i.test(r.message)) return new PgUnreachableError(this.shown, r.message);
    return new PgUnreachableError(this.shown, r.message);
  }

  private call(req: PgRequest): PgResponse {
    if (this.closed) throw new Error(`${this.shown}: the connection is closed`);
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    const t0 = Date.now();
    for (;;) {
      Atomics.wait(this.flag, 0, 0, 1000);
      const m = receiveMessageOnPort(this.port);
      if (m) return m.message as PgResponse;
      if (Date.now() - t0 > CALL_LIMIT_MS) throw new PgUnreachableError(this.shown, `no answer within ${CALL_LIMIT_MS / 60000} minutes`);
    }
  }

  /** Run one statement ($1, $2, … placeholders) and return its rows. */
  query(sql: string, params: readonly PgParam[] = []): PgResult {
    const r = this.call({ op: 'query', sql, params: [...params] });
    if (!r.ok) {
      if (r.errno && UNREACHABLE.has(r.errno)) throw new PgUnreachableError(this.shown, r.message);
      throw new PgQueryError(this.shown, r.message, r.code, sql);
    }
    return { rows: r.rows, rowCount: r.rowCount };
  }

  get open(): boolean {
    return !this.closed;
  }

  private stop(): void {
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'close' });
    } finally {
      this.stop();
    }
  }
}
