/**
 * The worker thread behind SyncPg (pg-sync.ts): one `pg` Client; answers each request on the
 * port, then wakes the blocked caller through the shared flag.
 *
 * Types: int8 (count(*), BIGSERIAL ids) and numeric arrive as JavaScript numbers, as SQLite's
 * integers do; bytea arrives as bytes. Uint8Array parameters are sent as bytea.
 */
import pg from 'pg';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { PgParam, PgRequest, PgResponse } from './pg-sync.js';

const { url, flag, port, connectTimeoutMs } = workerData as { url: string; flag: SharedArrayBuffer; port: MessagePort; connectTimeoutMs: number };
const f = new Int32Array(flag);

pg.types.setTypeParser(20, (v: string) => Number(v));
pg.types.setTypeParser(1700, (v: string) => Number(v));

const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, application_name: 'gradlab' });
let broken: string | null = null;
client.on('error', (e: Error) => {
  broken = e.message; // the server went away; the next query reports it
});

function answer(r: PgResponse): void {
  port.postMessage(r);
  Atomics.store(f, 0, 1);
  Atomics.notify(f, 0);
}

function param(p: PgParam): unknown {
  return p instanceof Uint8Array ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p;
}

port.on('message', (req: PgRequest) => {
  void (async (): Promise<void> => {
    try {
      if (req.op === 'connect') {
        await client.connect();
        answer({ ok: true, rows: [], rowCount: 0 });
      } else if (req.op === 'query') {
        if (broken) throw Object.assign(new Error(`connection lost: ${broken}`), { errno: 'ECONNRESET' });
        const res = await client.query({ text: req.sql, values: req.params.map(param) });
        // A multi-statement text gives an array of results: answer with the last one.
        const last = Array.isArray(res) ? (res[res.length - 1] as pg.QueryResult) : res;
        const rows = (last?.rows ?? []).map((row: Record<string, unknown>) => {
          for (const k of Object.keys(row)) if (Buffer.isBuffer(row[k])) row[k] = new Uint8Array(row[k] as Buffer);
          return row;
        });
        answer({ ok: true, rows, rowCount: last?.rowCount ?? 0 });
      } else {
        await client.end().catch(() => undefined);
        answer({ ok: true, rows: [], rowCount: 0 });
        port.close();
      }
    } catch (e) {
      const err = e as { message?: string; code?: string; errno?: string | number };
      const errno = typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code) ? err.code : typeof err.errno === 'string' ? err.errno : undefined;
      answer({ ok: false, message: err.message ?? String(e), ...(err.code && !/^E[A-Z]+$/.test(err.code) ? { code: err.code } : {}), ...(errno ? { errno } : {}) });
    }
  })();
});
