/**
 * The run store: every run and everything logged during it, in one SQLite file (default
 * ./runs/gradlab.db). Training writes it, the dashboard, the reports, the TensorBoard
 * exporter and `tune` read it. Several processes may write at once (WAL journal, busy wait).
 *
 * API (all synchronous; better-sqlite3 underneath):
 *
 *   const store = RunStore.open(path?, { readonly?, busyTimeoutMs?, reap? })
 *       Opens or creates the database (creates the folder). Throws NotADatabaseError naming the
 *       path when the file is not SQLite. Unless readonly or reap:false, marks 'killed' every
 *       'running' run of this host whose process is gone (reapDeadRuns()).
 *
 *   Writing — const run = store.startRun({ name?, study?, config?, seed?, handleSignals? })
 *       returns a Run (src/track/run.ts): run.id, run.name and
 *         run.logScalar(tag, value, step)            run.logScalars({tag: value, ...}, step)
 *         run.logHistogram(tag, values|summary, step, {buckets?})
 *         run.logImage(tag, {width, height, channels?, data} | {png}, step)
 *         run.logHeatmap(tag, {tokens, weights}, step)
 *         run.logMatrix(tag, {rows, cols, values, rowLabels?, colLabels?}, step)
 *         run.logCurves(tag, {series: [{label, x, y, score?}], xLabel?, yLabel?}, step)
 *         run.logPoints(tag, {dims, coords, labels?}, step)
 *         run.logFigure(tag, {format: 'vega-lite', spec} | {format: 'svg', svg}, step)
 *         run.logText(tag, text, step)
 *         run.batch(() => { ...logs... })           one transaction
 *         run.finish(status = 'finished', error?)   run.fail(err)
 *       Each log is committed at once (or with its batch). SIGINT/SIGTERM mark the run 'killed';
 *       exiting without finish() marks it by exit code (src/track/lifecycle.ts).
 *
 *   Reading (runs are referred to by id; getRun also takes a name or an id prefix):
 *     store.listRuns({ study?, status?, search?, limit? }) → RunInfo[]   newest first
 *     store.getRun(ref) → RunInfo          throws UnknownRunError listing recent runs
 *     store.findRun(ref) → RunInfo | null
 *     store.studies() → { study, runs }[]
 *     store.tags(runId) → { scalars: tag[], histograms: tag[], media: {kind, tag, count}[] }
 *     store.scalars(runId, { tag?, afterId? }) → ScalarPoint[]        ordered by tag, step, id
 *     store.lastScalars(runId) → Record<tag, ScalarPoint>             final metric per tag
 *     store.histograms(runId, { tag?, afterId? }) → HistogramRecord[] ordered by tag, step, id
 *     store.media(runId, { kind?, tag?, step?, afterId? }) → MediaRecord[]
 *     store.mediaById(id) → MediaRecord | null                        (serve one image)
 *     store.cursor(runId) → { scalars, histograms, media }  largest ids so far: pass them back as
 *       afterId to get only what is new (live views poll this).
 *     store.changeMark() → string   changes whenever any run starts or ends or any record is added
 *       (a cheap "anything new?" for the dashboard's run list)
 *     store.deleteRun(id), store.close()
 *
 * Units: step is an integer ≥ 0; wallTime is seconds since the epoch (TensorBoard's);
 * startedAt/endedAt are milliseconds since the epoch (JavaScript's Date). NaN is kept as NaN.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { decodeJson, encodeJson } from './json.js';
import { processStartTime, runProcessAlive } from './lifecycle.js';
import { Run } from './run.js';
import { CorruptDatabaseError, integrityProblems, openDb, type Db } from './schema.js';
import { openPgRunDb } from './store-pg.js';
import { isPostgresUrl, redactUrl } from './storage-url.js';
import type {
  HistogramRecord,
  JsonValue,
  MediaKind,
  MediaRecord,
  RunInfo,
  RunStatus,
  RunTags,
  ScalarPoint,
} from './types.js';
import { codeVersion } from './version.js';

export { NotADatabaseError, DatabaseOpenError, CorruptDatabaseError, namedDatabaseError } from './schema.js';
export { Run } from './run.js';
export type * from './types.js';

/** ./runs/gradlab.db relative to the working directory. */
export function defaultDbPath(): string {
  return join(process.cwd(), 'runs', 'gradlab.db');
}

export interface OpenStoreOptions {
  readonly?: boolean;
  /** How long a writer waits for another process's transaction; default 30 s. */
  busyTimeoutMs?: number;
  /** Mark runs of dead processes as killed on open; default true unless readonly. */
  reap?: boolean;
}

export interface StartRunOptions {
  name?: string;
  study?: string;
  config?: Record<string, JsonValue>;
  seed?: number;
  /** Let the store mark the run killed on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

export interface RunFilter {
  study?: string;
  status?: RunStatus;
  /** Substring of the id, name or study. */
  search?: string;
  limit?: number;
}

/** Thrown by getRun when no run matches; the message lists the most recent runs. */
export class UnknownRunError extends Error {
  constructor(readonly ref: string, readonly path: string, readonly recent: RunInfo[]) {
    const list = recent.length
      ? recent.map((r) => `  ${r.id}  ${r.name}  (${r.study ?? 'no study'}, ${r.status}, ${new Date(r.startedAt).toISOString()})`).join('\n')
      : '  (none: the database has no runs yet)';
    super(`no run '${ref}' in ${path}; recent runs:\n${list}`);
    this.name = 'UnknownRunError';
  }
}

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function newId(): string {
  const b = randomBytes(8);
  let s = '';
  for (let i = 0; i < 8; i++) s += ID_ALPHABET[b[i]! & 31];
  return s;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

interface RunRow {
  id: string; name: string; study: string | null; config: string; seed: number | null; started_at: number;
  ended_at: number | null; status: RunStatus; code_version: string; pid: number; hostname: string; error: string | null;
  /** Absent in a database written before the column was added (read-only opens do not migrate). */
  proc_start?: string | null;
}

function toRunInfo(r: RunRow): RunInfo {
  return {
    id: r.id, name: r.name, study: r.study, config: decodeJson<Record<string, JsonValue>>(r.config), seed: r.seed,
    startedAt: r.started_at, endedAt: r.ended_at, status: r.status, codeVersion: r.code_version, pid: r.pid,
    hostname: r.hostname, error: r.error,
  };
}

function f64(buf: Buffer): number[] {
  const copy = new Uint8Array(buf); // NOTE: copy to get 8-byte alignment for Float64Array
  return Array.from(new Float64Array(copy.buffer, 0, copy.length / 8));
}

const nanIfNull = (v: number | null): number => (v === null ? NaN : v);

export class RunStore {
  /**
   * `path` is what messages and listings show (a PostgreSQL URL with its password hidden);
   * `location` is what the store was opened with, for reopening it in the same process (a tune
   * study in the same store, resume checkpoints). Never print `location`.
   */
  private constructor(readonly db: Db, readonly path: string, readonly readonly: boolean, readonly location: string = path) {}

  static open(path: string = defaultDbPath(), opts: OpenStoreOptions = {}): RunStore {
    const readonly = opts.readonly ?? false;
    // A postgresql:// URL opens the same tables on PostgreSQL (store-pg.ts; the SqlDb subset of better-sqlite3's API).
    const db = isPostgresUrl(path) ? (openPgRunDb(path, { readonly }) as unknown as Db) : openDb(path, { readonly, ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}) });
    const store = new RunStore(db, isPostgresUrl(path) ? redactUrl(path) : path, readonly, path);
    if (!readonly && (opts.reap ?? true)) store.reapDeadRuns();
    return store;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Throw CorruptDatabaseError (naming the path and the first problems) when SQLite's quick
   * integrity check fails; `gradlab run` calls it before writing into a store (SQLite only).
   */
  assertIntact(): void {
    if (isPostgresUrl(this.path)) return; // PostgreSQL keeps its own integrity; quick_check is SQLite's
    let problems: string[];
    try {
      problems = integrityProblems(this.db);
    } catch (e) {
      throw new CorruptDatabaseError(resolvePath(this.path), [], (e as Error).message);
    }
    if (problems.length) throw new CorruptDatabaseError(resolvePath(this.path), problems);
  }

  startRun(opts: StartRunOptions = {}): Run {
    if (this.readonly) throw new Error(`startRun: ${this.path} was opened read-only`);
    const now = Date.now();
    const name = opts.name ?? `${opts.study ?? 'run'}-${stamp(now)}`;
    const ins = this.db.prepare(
      `INSERT INTO runs (id, name, study, config, seed, started_at, status, code_version, pid, hostname, proc_start)
       VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
    );
    const procStart = processStartTime(process.pid);
    for (let attempt = 0; ; attempt++) {
      const id = newId();
      try {
        ins.run(id, name, opts.study ?? null, encodeJson(opts.config ?? {}), opts.seed ?? null, now, codeVersion(), process.pid, hostname(), procStart);
        return new Run(this.db, id, name, opts.handleSignals ?? true);
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' || attempt > 5) throw e;
      }
    }
  }

  /** Mark 'running' runs of this host whose process has gone as 'killed'; returns their ids. */
  reapDeadRuns(): string[] {
    const host = hostname();
    const rows = this.db.prepare("SELECT * FROM runs WHERE status = 'running' AND hostname = ?").all(host) as RunRow[];
    const dead = rows.filter((r) => this.processGone(r));
    if (dead.length === 0) return [];
    const lastWall = this.db.prepare(
      `SELECT max(w) AS w FROM (SELECT max(wall_time) AS w FROM scalars WHERE run_id = @id
        UNION ALL SELECT max(wall_time) FROM histograms WHERE run_id = @id UNION ALL SELECT max(wall_time) FROM media WHERE run_id = @id) AS walls`,
    );
    // NOTE: the error says 'process ... ended'; a reused pid counts as ended (start time differs).
    const mark = this.db.prepare("UPDATE runs SET status = 'killed', ended_at = coalesce(?, started_at), error = ? WHERE id = ? AND status = 'running'");
    this.db.transaction(() => {
      for (const r of dead) {
        const w = (lastWall.get({ id: r.id }) as { w: number | null }).w;
        mark.run(w === null ? null : w * 1000, `process ${r.pid} on ${host} ended without finishing the run`, r.id);
      }
    }).immediate();
    return dead.map((r) => r.id);
  }

  /** Whether a 'running' row's process is gone: same host, and its pid dead or reused. */
  private processGone(r: RunRow): boolean {
    if (r.status !== 'running' || r.hostname !== hostname()) return false;
    return !runProcessAlive(r.pid, r.proc_start);
  }

  /**
   * A row as readers see it: a 'running' run whose process is gone is shown 'killed' even when
   * this store is read-only (a read-write open also records it: reapDeadRuns).
   */
  private info(r: RunRow): RunInfo {
    const info = toRunInfo(r);
    if (!this.processGone(r)) return info;
    return { ...info, status: 'killed', error: `process ${r.pid} on ${r.hostname} is gone without finishing the run` };
  }

  listRuns(filter: RunFilter = {}): RunInfo[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.study !== undefined) { where.push('study = ?'); args.push(filter.study); }
    // 'running' rows may read as 'killed' (their process is gone): fetch both, filter after.
    if (filter.status === 'killed' || filter.status === 'running') { where.push("status IN ('killed', 'running')"); }
    else if (filter.status !== undefined) { where.push('status = ?'); args.push(filter.status); }
    if (filter.search !== undefined && filter.search !== '') {
      where.push("(instr(id, ?) > 0 OR instr(name, ?) > 0 OR instr(coalesce(study, ''), ?) > 0)");
      args.push(filter.search, filter.search, filter.search);
    }
    const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY started_at DESC, rowid DESC`;
    const runs = (this.db.prepare(sql).iterate(...args) as IterableIterator<RunRow>);
    const out: RunInfo[] = [];
    const limit = filter.limit ?? -1;
    for (const r of runs) {
      if (limit >= 0 && out.length >= limit) break;
      const info = this.info(r);
      if (filter.status === undefined || info.status === filter.status) out.push(info);
    }
    return out;
  }

  /** A run by exact id, exact name (newest), or unique id prefix; null when none matches. */
  findRun(ref: string): RunInfo | null {
    const byId = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(ref) as RunRow | undefined;
    if (byId) return this.info(byId);
    const byName = this.db.prepare('SELECT * FROM runs WHERE name = ? ORDER BY started_at DESC, rowid DESC LIMIT 1').get(ref) as RunRow | undefined;
    if (byName) return this.info(byName);
    if (ref.length >= 3) {
      const pre = this.db.prepare('SELECT * FROM runs WHERE substr(id, 1, ?) = ? LIMIT 2').all(ref.length, ref) as RunRow[];
      if (pre.length === 1) return this.info(pre[0]!);
    }
    return null;
  }

  getRun(ref: string): RunInfo {
    const r = this.findRun(ref);
    if (r === null) throw new UnknownRunError(ref, this.path, this.listRuns({ limit: 10 }));
    return r;
  }

  studies(): { study: string | null; runs: number }[] {
    return this.db.prepare('SELECT study, count(*) AS runs FROM runs GROUP BY study ORDER BY study').all() as { study: string | null; runs: number }[];
  }

  tags(runId: string): RunTags {
    const col = (sql: string): string[] => (this.db.prepare(sql).all(runId) as { tag: string }[]).map((r) => r.tag);
    return {
      scalars: (this.db.prepare(`${SCALAR_TAGS} SELECT tag FROM t WHERE tag IS NOT NULL`).all({ run: runId }) as { tag: string }[]).map((r) => r.tag),
      histograms: col('SELECT DISTINCT tag FROM histograms WHERE run_id = ? ORDER BY tag'),
      media: this.db
        .prepare('SELECT kind, tag, count(*) AS count FROM media WHERE run_id = ? GROUP BY kind, tag ORDER BY kind, tag')
        .all(runId) as { kind: MediaKind; tag: string; count: number }[],
    };
  }

  scalars(runId: string, q: { tag?: string; afterId?: number } = {}): ScalarPoint[] {
    const rows = this.db
      .prepare(
        `SELECT id, tag, step, value, wall_time FROM scalars WHERE run_id = ? AND id > ?
         ${q.tag !== undefined ? 'AND tag = ?' : ''} ORDER BY tag, step, id`,
      )
      .all(runId, q.afterId ?? 0, ...(q.tag !== undefined ? [q.tag] : [])) as { id: number; tag: string; step: number; value: number | null; wall_time: number }[];
    return rows.map((r) => ({ id: r.id, tag: r.tag, step: r.step, value: nanIfNull(r.value), wallTime: r.wall_time }));
  }

  /**
   * The last logged value of every scalar tag (largest step, then latest id): one index seek per
   * tag (scalars_run_tag), so a run of 200,000 scalars answers in well under a millisecond per tag.
   */
  lastScalars(runId: string): Record<string, ScalarPoint> {
    const rows = this.db.prepare(
      `${SCALAR_TAGS}
       SELECT s.id, s.tag, s.step, s.value, s.wall_time FROM t JOIN scalars s
         ON s.id = (SELECT id FROM scalars WHERE run_id = @run AND tag = t.tag ORDER BY step DESC, id DESC LIMIT 1)
       WHERE t.tag IS NOT NULL ORDER BY s.tag`,
    ).all({ run: runId }) as { id: number; tag: string; step: number; value: number | null; wall_time: number }[];
    const out: Record<string, ScalarPoint> = {};
    for (const r of rows) out[r.tag] = { id: r.id, tag: r.tag, step: r.step, value: nanIfNull(r.value), wallTime: r.wall_time };
    return out;
  }

  histograms(runId: string, q: { tag?: string; afterId?: number } = {}): HistogramRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM histograms WHERE run_id = ? AND id > ? ${q.tag !== undefined ? 'AND tag = ?' : ''} ORDER BY tag, step, id`)
      .all(runId, q.afterId ?? 0, ...(q.tag !== undefined ? [q.tag] : [])) as {
      id: number; tag: string; step: number; wall_time: number; min: number | null; max: number | null; num: number;
      nan_count: number; sum: number | null; sum_squares: number | null; limits: Buffer; counts: Buffer;
    }[];
    return rows.map((r) => ({
      id: r.id, tag: r.tag, step: r.step, wallTime: r.wall_time, min: nanIfNull(r.min), max: nanIfNull(r.max), num: r.num,
      nanCount: r.nan_count, sum: nanIfNull(r.sum), sumSquares: nanIfNull(r.sum_squares), limits: f64(r.limits), counts: f64(r.counts),
    }));
  }

  media(runId: string, q: { kind?: MediaKind; tag?: string; step?: number; afterId?: number } = {}): MediaRecord[] {
    const where = ['run_id = ?', 'id > ?'];
    const args: (string | number)[] = [runId, q.afterId ?? 0];
    if (q.kind !== undefined) { where.push('kind = ?'); args.push(q.kind); }
    if (q.tag !== undefined) { where.push('tag = ?'); args.push(q.tag); }
    if (q.step !== undefined) { where.push('step = ?'); args.push(q.step); }
    const rows = this.db.prepare(`SELECT * FROM media WHERE ${where.join(' AND ')} ORDER BY kind, tag, step, id`).all(...args) as MediaRow[];
    return rows.map(toMedia);
  }

  mediaById(id: number): MediaRecord | null {
    const r = this.db.prepare('SELECT * FROM media WHERE id = ?').get(id) as MediaRow | undefined;
    return r ? toMedia(r) : null;
  }

  /** Largest record ids so far for a run (0 when none): the afterId of the next poll. */
  cursor(runId: string): { scalars: number; histograms: number; media: number } {
    const max = (t: string): number => (this.db.prepare(`SELECT coalesce(max(id), 0) AS m FROM ${t} WHERE run_id = ?`).get(runId) as { m: number }).m;
    return { scalars: max('scalars'), histograms: max('histograms'), media: max('media') };
  }

  /** A string that changes whenever a run starts or ends or any record is logged, in any process. */
  changeMark(): string {
    const r = this.db
      .prepare(
        `SELECT (SELECT coalesce(max(id), 0) FROM scalars) AS s, (SELECT coalesce(max(id), 0) FROM histograms) AS h,
                (SELECT coalesce(max(id), 0) FROM media) AS m, (SELECT count(*) FROM runs) AS n,
                (SELECT count(*) FROM runs WHERE status = 'running') AS live, (SELECT coalesce(max(ended_at), 0) FROM runs) AS e`,
      )
      .get() as { s: number; h: number; m: number; n: number; live: number; e: number };
    // Runs whose process vanished read as 'killed' without a write: count them too.
    const gone = r.live ? (this.db.prepare("SELECT * FROM runs WHERE status = 'running'").all() as RunRow[]).filter((x) => this.processGone(x)).length : 0;
    return `${r.s}.${r.h}.${r.m}.${r.n}.${r.live}.${r.e}.${gone}`;
  }

  deleteRun(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Continues a run record after a kill (gradlab run --resume): the records logged after `keep`
   * (a cursor() taken at the checkpoint; null keeps none) are deleted, since the resumed run
   * logs them again, and the run is 'running' again under this process. One transaction.
   */
  reopenRun(id: string, keep: { scalars: number; histograms: number; media: number } | null, opts: { handleSignals?: boolean } = {}): Run {
    if (this.readonly) throw new Error(`reopenRun: ${this.path} was opened read-only`);
    const info = this.getRun(id);
    if (info.id !== id) throw new Error(`reopenRun: no run with id '${id}' in ${this.path}`);
    const k = keep ?? { scalars: 0, histograms: 0, media: 0 };
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM scalars WHERE run_id = ? AND id > ?').run(id, k.scalars);
      this.db.prepare('DELETE FROM histograms WHERE run_id = ? AND id > ?').run(id, k.histograms);
      this.db.prepare('DELETE FROM media WHERE run_id = ? AND id > ?').run(id, k.media);
      this.db.prepare("UPDATE runs SET status = 'running', ended_at = NULL, error = NULL, pid = ?, hostname = ? WHERE id = ?").run(process.pid, hostname(), id);
    }).immediate();
    return new Run(this.db, id, info.name, opts.handleSignals ?? true);
  }
}

/** The distinct scalar tags of run @run, by skipping through the (run_id, tag, step) index. */
const SCALAR_TAGS = `WITH RECURSIVE t(tag) AS (
  SELECT (SELECT min(tag) FROM scalars WHERE run_id = @run)
  UNION ALL SELECT (SELECT min(tag) FROM scalars WHERE run_id = @run AND tag > t.tag) FROM t WHERE t.tag IS NOT NULL)`;

interface MediaRow { id: number; kind: MediaKind; tag: string; step: number; wall_time: number; data: string; blob: Buffer | null }

function toMedia(r: MediaRow): MediaRecord {
  const data = decodeJson<Record<string, unknown>>(r.data);
  if (r.kind === 'image') data['png'] = r.blob === null ? new Uint8Array(0) : new Uint8Array(r.blob);
  return { id: r.id, kind: r.kind, tag: r.tag, step: r.step, wallTime: r.wall_time, data } as MediaRecord;
}
