/**
 * SQLite storage: Optuna's RDB storage idea on one file, so that several worker processes can
 * optimize one study at once. By default the file is the run store's (./runs/gradlab.db); the
 * tables here are all prefixed `tune_` and the run store's tables are never read or written.
 *
 * Concurrency: WAL journal (readers never block the writer) and a busy timeout (a writer waits
 * for another's transaction instead of failing). Claiming a trial is one IMMEDIATE transaction
 * (take the oldest 'waiting' trial, else insert number = max + 1), so two workers never share a
 * trial number. After that only the claiming process writes its trial. A worker that dies leaves
 * its trial 'running'; failStaleTrials marks such trials 'fail' when their process (on this
 * host) is gone; it runs when a study is created or loaded, and from `gradlab tune show`.
 *
 * NOTE: SQLite stores NaN as NULL and JSON has no NaN/Infinity, so intermediate values are
 * written as [step, number | "NaN" | "Infinity" | "-Infinity"] pairs.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pidAlive } from '../../track/lifecycle.js';
import { NotADatabaseError } from '../../track/store.js';
import { distributionFromJson, type Distribution, type ParamValue } from '../distributions.js';
import {
  DuplicatedStudyError,
  type FinishedState,
  type FrozenTrial,
  type JsonValue,
  type Storage,
  type StudyDirection,
  type StudyRecord,
  type StudySummary,
  type TrialState,
} from '../types.js';
import { bestOf } from './memory.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tune_studies (
  study_id INTEGER PRIMARY KEY AUTOINCREMENT,
  study_name TEXT NOT NULL UNIQUE,
  direction TEXT NOT NULL,
  user_attrs TEXT NOT NULL,
  system_attrs TEXT NOT NULL,
  datetime_start REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tune_trials (
  trial_id INTEGER PRIMARY KEY AUTOINCREMENT,
  study_id INTEGER NOT NULL REFERENCES tune_studies(study_id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  value REAL,
  params TEXT NOT NULL,
  distributions TEXT NOT NULL,
  intermediate_values TEXT NOT NULL,
  user_attrs TEXT NOT NULL,
  system_attrs TEXT NOT NULL,
  datetime_start REAL,
  datetime_complete REAL,
  UNIQUE (study_id, number)
);
CREATE INDEX IF NOT EXISTS tune_trials_study_state ON tune_trials(study_id, state);
`;

interface StudyRow {
  study_id: number;
  study_name: string;
  direction: string;
  user_attrs: string;
  system_attrs: string;
  datetime_start: number;
}

interface TrialRow {
  trial_id: number;
  study_id: number;
  number: number;
  state: string;
  value: number | null;
  params: string;
  distributions: string;
  intermediate_values: string;
  user_attrs: string;
  system_attrs: string;
  datetime_start: number | null;
  datetime_complete: number | null;
}

type Db = Database.Database;

function encodeNum(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decodeNum(v: number | string | null): number {
  return typeof v === 'number' ? v : v === null ? NaN : Number(v);
}

function checkHeader(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) throw new NotADatabaseError(path, 'it is a directory');
  if (st.size === 0) return;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (buf.subarray(0, n).toString('latin1') !== 'SQLite format 3\0') {
      throw new NotADatabaseError(path, `its first bytes are ${JSON.stringify(buf.subarray(0, Math.min(n, 8)).toString('latin1'))}, not "SQLite format 3"`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Accepts a plain path or Optuna's URL form sqlite:///path. */
export function sqlitePath(storage: string): string {
  return resolve(storage.startsWith('sqlite:///') ? storage.slice('sqlite:///'.length) : storage);
}

export interface SqliteStorageOptions {
  /** How long a writer waits for another process's transaction; default 30 s. */
  busyTimeoutMs?: number;
  /** Open without creating anything (for `tune show`). */
  readonly?: boolean;
}

export class SqliteStorage implements Storage {
  readonly location: string;
  private db: Db;
  private readonly host = hostname();

  constructor(path: string, opts: SqliteStorageOptions = {}) {
    const full = sqlitePath(path);
    this.location = full;
    const exists = existsSync(full);
    if (exists) checkHeader(full);
    else if (opts.readonly) throw new Error(`no study database at ${full}`);
    else mkdirSync(dirname(full), { recursive: true });
    try {
      this.db = new Database(full, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 30000))}`);
      if (!opts.readonly) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        this.db.pragma('foreign_keys = ON');
        this.db.transaction(() => this.db.exec(SCHEMA)).immediate();
      } else {
        const has = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'tune_studies'").get() as { n: number };
        if (has.n === 0) throw new Error(`${full} holds no studies yet (no tune_studies table)`);
      }
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') throw new NotADatabaseError(full, err.message ?? String(e));
      throw e;
    }
  }

  private studyRecord(r: StudyRow): StudyRecord {
    return {
      studyId: r.study_id,
      studyName: r.study_name,
      direction: r.direction as StudyDirection,
      userAttrs: JSON.parse(r.user_attrs) as Record<string, JsonValue>,
      systemAttrs: JSON.parse(r.system_attrs) as Record<string, JsonValue>,
      datetimeStart: new Date(r.datetime_start),
    };
  }

  private frozen(r: TrialRow): FrozenTrial {
    const dists: Record<string, Distribution> = {};
    for (const [k, v] of Object.entries(JSON.parse(r.distributions) as Record<string, unknown>)) dists[k] = distributionFromJson(v, k);
    const pairs = JSON.parse(r.intermediate_values) as [number, number | string | null][];
    return {
      number: r.number,
      trialId: r.trial_id,
      state: r.state as TrialState,
      value: r.value,
      params: JSON.parse(r.params) as Record<string, ParamValue>,
      distributions: dists,
      intermediateValues: new Map(pairs.map(([s, v]) => [s, decodeNum(v)])),
      userAttrs: JSON.parse(r.user_attrs) as Record<string, JsonValue>,
      systemAttrs: JSON.parse(r.system_attrs) as Record<string, JsonValue>,
      datetimeStart: r.datetime_start === null ? null : new Date(r.datetime_start),
      datetimeComplete: r.datetime_complete === null ? null : new Date(r.datetime_complete),
    };
  }

  createStudy(name: string, direction: StudyDirection): StudyRecord {
    try {
      this.db.prepare('INSERT INTO tune_studies (study_name, direction, user_attrs, system_attrs, datetime_start) VALUES (?, ?, ?, ?, ?)').run(name, direction, '{}', '{}', Date.now());
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicatedStudyError(name, this.location);
      throw e;
    }
    return this.getStudy(name)!;
  }

  getStudy(name: string): StudyRecord | null {
    const r = this.db.prepare('SELECT * FROM tune_studies WHERE study_name = ?').get(name) as StudyRow | undefined;
    return r ? this.studyRecord(r) : null;
  }

  listStudies(): StudySummary[] {
    const rows = this.db.prepare('SELECT * FROM tune_studies ORDER BY study_id').all() as StudyRow[];
    return rows.map((r) => {
      const rec = this.studyRecord(r);
      const n = this.db.prepare('SELECT count(*) AS n FROM tune_trials WHERE study_id = ?').get(r.study_id) as { n: number };
      const values = (this.db.prepare("SELECT value FROM tune_trials WHERE study_id = ? AND state = 'complete'").all(r.study_id) as { value: number }[]).map((x) => x.value);
      return { ...rec, nTrials: n.n, bestValue: bestOf(values, rec.direction) };
    });
  }

  deleteStudy(studyId: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tune_trials WHERE study_id = ?').run(studyId);
      this.db.prepare('DELETE FROM tune_studies WHERE study_id = ?').run(studyId);
    }).immediate();
  }

  private updateStudyAttr(studyId: number, column: 'user_attrs' | 'system_attrs', key: string, value: JsonValue): void {
    this.db.transaction(() => {
      const r = this.db.prepare(`SELECT ${column} AS a FROM tune_studies WHERE study_id = ?`).get(studyId) as { a: string } | undefined;
      if (!r) throw new Error(`${this.location}: no study with id ${studyId}`);
      const attrs = JSON.parse(r.a) as Record<string, JsonValue>;
      attrs[key] = value;
      this.db.prepare(`UPDATE tune_studies SET ${column} = ? WHERE study_id = ?`).run(JSON.stringify(attrs), studyId);
    }).immediate();
  }

  setStudyUserAttr(studyId: number, key: string, value: JsonValue): void {
    this.updateStudyAttr(studyId, 'user_attrs', key, value);
  }

  setStudySystemAttr(studyId: number, key: string, value: JsonValue): void {
    this.updateStudyAttr(studyId, 'system_attrs', key, value);
  }

  private insertTrial(studyId: number, state: TrialState, userAttrs: Record<string, JsonValue>, systemAttrs: Record<string, JsonValue>): number {
    const next = this.db.prepare('SELECT COALESCE(MAX(number) + 1, 0) AS n FROM tune_trials WHERE study_id = ?').get(studyId) as { n: number };
    const info = this.db
      .prepare(
        `INSERT INTO tune_trials (study_id, number, state, value, params, distributions, intermediate_values, user_attrs, system_attrs, datetime_start)
         VALUES (?, ?, ?, NULL, '{}', '{}', '[]', ?, ?, ?)`,
      )
      .run(studyId, next.n, state, JSON.stringify(userAttrs), JSON.stringify(systemAttrs), state === 'running' ? Date.now() : null);
    return Number(info.lastInsertRowid);
  }

  private row(trialId: number): TrialRow {
    const r = this.db.prepare('SELECT * FROM tune_trials WHERE trial_id = ?').get(trialId) as TrialRow | undefined;
    if (!r) throw new Error(`${this.location}: no trial with id ${trialId}`);
    return r;
  }

  enqueueTrial(studyId: number, params: Record<string, ParamValue>, userAttrs: Record<string, JsonValue>): FrozenTrial {
    const id = this.db.transaction(() => this.insertTrial(studyId, 'waiting', userAttrs, { fixedParams: params })).immediate();
    return this.getTrial(id);
  }

  claimTrial(studyId: number): FrozenTrial {
    const owner = { pid: process.pid, hostname: this.host };
    const id = this.db
      .transaction(() => {
        const w = this.db.prepare("SELECT trial_id, system_attrs FROM tune_trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1").get(studyId) as
          | { trial_id: number; system_attrs: string }
          | undefined;
        if (!w) return this.insertTrial(studyId, 'running', {}, owner);
        const sys = { ...(JSON.parse(w.system_attrs) as Record<string, JsonValue>), ...owner };
        this.db.prepare("UPDATE tune_trials SET state = 'running', datetime_start = ?, system_attrs = ? WHERE trial_id = ?").run(Date.now(), JSON.stringify(sys), w.trial_id);
        return w.trial_id;
      })
      .immediate();
    return this.getTrial(id);
  }

  /** Read-modify-write of one JSON column of a running trial, in one transaction. */
  private updateTrial(trialId: number, what: string, column: keyof TrialRow, change: (current: string) => string, mustRun = true): void {
    this.db
      .transaction(() => {
        const r = this.row(trialId);
        if (mustRun && r.state !== 'running') throw new Error(`${what}: trial ${r.number} is ${r.state}, not running`);
        this.db.prepare(`UPDATE tune_trials SET ${column} = ? WHERE trial_id = ?`).run(change(String(r[column])), trialId);
      })
      .immediate();
  }

  setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): void {
    this.db
      .transaction(() => {
        const r = this.row(trialId);
        if (r.state !== 'running') throw new Error(`set parameter '${name}': trial ${r.number} is ${r.state}, not running`);
        const params = JSON.parse(r.params) as Record<string, ParamValue>;
        const dists = JSON.parse(r.distributions) as Record<string, Distribution>;
        params[name] = value;
        dists[name] = distribution;
        this.db.prepare('UPDATE tune_trials SET params = ?, distributions = ? WHERE trial_id = ?').run(JSON.stringify(params), JSON.stringify(dists), trialId);
      })
      .immediate();
  }

  setTrialIntermediateValue(trialId: number, step: number, value: number): void {
    this.updateTrial(trialId, `report at step ${step}`, 'intermediate_values', (cur) => {
      const pairs = (JSON.parse(cur) as [number, number | string][]).filter(([s]) => s !== step);
      pairs.push([step, encodeNum(value)]);
      return JSON.stringify(pairs);
    });
  }

  setTrialUserAttr(trialId: number, key: string, value: JsonValue): void {
    this.updateTrial(trialId, `setUserAttr('${key}')`, 'user_attrs', (cur) => JSON.stringify({ ...(JSON.parse(cur) as object), [key]: value }), false);
  }

  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): void {
    this.updateTrial(trialId, `setSystemAttr('${key}')`, 'system_attrs', (cur) => JSON.stringify({ ...(JSON.parse(cur) as object), [key]: value }), false);
  }

  finishTrial(trialId: number, state: FinishedState, value: number | null): FrozenTrial {
    this.db
      .transaction(() => {
        const r = this.row(trialId);
        if (r.state === 'complete' || r.state === 'pruned' || r.state === 'fail') throw new Error(`trial ${r.number} already finished as ${r.state}; it cannot be told again`);
        const now = Date.now();
        this.db.prepare('UPDATE tune_trials SET state = ?, value = ?, datetime_complete = ?, datetime_start = COALESCE(datetime_start, ?) WHERE trial_id = ?').run(state, value, now, now, trialId);
      })
      .immediate();
    return this.getTrial(trialId);
  }

  getTrial(trialId: number): FrozenTrial {
    return this.frozen(this.row(trialId));
  }

  getTrials(studyId: number, states?: readonly TrialState[]): FrozenTrial[] {
    const rows = this.db.prepare('SELECT * FROM tune_trials WHERE study_id = ? ORDER BY number').all(studyId) as TrialRow[];
    return (states ? rows.filter((r) => states.includes(r.state as TrialState)) : rows).map((r) => this.frozen(r));
  }

  failStaleTrials(studyId: number): FrozenTrial[] {
    const ids = this.db
      .transaction(() => {
        const rows = this.db.prepare("SELECT trial_id, system_attrs FROM tune_trials WHERE study_id = ? AND state = 'running'").all(studyId) as { trial_id: number; system_attrs: string }[];
        const stale: number[] = [];
        for (const r of rows) {
          const sys = JSON.parse(r.system_attrs) as Record<string, JsonValue>;
          if (sys.hostname !== this.host || typeof sys.pid !== 'number' || pidAlive(sys.pid)) continue;
          sys.failReason = `worker process ${sys.pid} on ${this.host} exited while the trial was running`;
          this.db.prepare("UPDATE tune_trials SET state = 'fail', datetime_complete = ?, system_attrs = ? WHERE trial_id = ?").run(Date.now(), JSON.stringify(sys), r.trial_id);
          stale.push(r.trial_id);
        }
        return stale;
      })
      .immediate();
    return ids.map((id) => this.getTrial(id));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
