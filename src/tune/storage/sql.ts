/**
 * The study storage over SQL, shared by SQLite (sqlite.ts) and PostgreSQL (pg.ts): the same
 * tables (tune_studies, tune_trials; schema versions in gradlab_schema, component 'tune'), the
 * same queries, the same semantics. What differs is given by a SqlDialect.
 *
 * Claiming: every write that must not race (claim, enqueue, finish, attribute read-modify-write)
 * is one IMMEDIATE transaction: SQLite's write lock, or on PostgreSQL BEGIN + an advisory lock
 * (sql-db.ts). Claiming takes the oldest 'waiting' trial, else inserts number = max + 1, so two
 * workers never get one trial number or one enqueued trial (nor one grid point: a grid study
 * enqueues its points once, enqueueTrialsOnce, and workers only claim them).
 *
 * Dead workers: each running trial has a heartbeat (storage clock, ms) that its worker renews
 * (heartbeat.ts). Before claiming, and on failStaleTrials, running trials are failed when their
 * process on this host is gone, or when the study has a grace period and their heartbeat is
 * older than it; if the study says so (requeueDeadTrials), a failed trial is enqueued again with
 * the same parameters (systemAttrs.requeuedFrom = its number; the failed one gets requeuedAs).
 *
 * NOTE: JSON has no NaN/Infinity, so intermediate values are written as
 * [step, number | "NaN" | "Infinity" | "-Infinity"] pairs.
 */
import { hostname } from 'node:os';
import { pidAlive } from '../../track/lifecycle.js';
import type { SqlDb } from '../../track/sql-db.js';
import { distributionFromJson, type Distribution, type ParamValue } from '../distributions.js';
import {
  DEAD_WORKER_ATTRS,
  DuplicatedStudyError,
  TrialNotRunningError,
  type ClaimOptions,
  type EnqueueItem,
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

export interface SqlDialect {
  /** An SQL expression for the storage's clock in ms since the epoch. */
  readonly nowMs: string;
  /** Whether the error is a unique-constraint violation. */
  isUniqueViolation(e: unknown): boolean;
  /**
   * True (PostgreSQL): a change to one trial locks only its row (SELECT … FOR UPDATE) instead of
   * the whole storage, so workers updating their own trials do not queue behind each other.
   * False (SQLite): every write transaction is IMMEDIATE (SQLite has one writer anyway).
   */
  readonly rowLocks: boolean;
}

/** The tune tables in SQL that both SQLite and PostgreSQL accept, given the floating type. */
export function tuneMigrations(real: string, serial: string): string[] {
  return [
    `
CREATE TABLE IF NOT EXISTS tune_studies (
  study_id ${serial},
  study_name TEXT NOT NULL UNIQUE,
  direction TEXT NOT NULL,
  user_attrs TEXT NOT NULL,
  system_attrs TEXT NOT NULL,
  datetime_start ${real} NOT NULL
);
CREATE TABLE IF NOT EXISTS tune_trials (
  trial_id ${serial},
  study_id INTEGER NOT NULL REFERENCES tune_studies(study_id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  value ${real},
  params TEXT NOT NULL,
  distributions TEXT NOT NULL,
  intermediate_values TEXT NOT NULL,
  user_attrs TEXT NOT NULL,
  system_attrs TEXT NOT NULL,
  datetime_start ${real},
  datetime_complete ${real},
  UNIQUE (study_id, number)
);
CREATE INDEX IF NOT EXISTS tune_trials_study_state ON tune_trials(study_id, state);
`,
    // v2: heartbeats of running trials (storage clock, ms since the epoch).
    `ALTER TABLE tune_trials ADD COLUMN heartbeat ${real};`,
  ];
}

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

type Attrs = Record<string, JsonValue>;

function encodeNum(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decodeNum(v: number | string | null): number {
  return typeof v === 'number' ? v : v === null ? NaN : Number(v);
}

const TRIAL_COLUMNS = 'trial_id, study_id, number, state, value, params, distributions, intermediate_values, user_attrs, system_attrs, datetime_start, datetime_complete';

export abstract class SqlStorage implements Storage {
  private readonly host = hostname();

  protected constructor(
    protected readonly db: SqlDb,
    readonly location: string,
    protected readonly dialect: SqlDialect,
    readonly url?: string,
  ) {}

  private studyRecord(r: StudyRow): StudyRecord {
    return {
      studyId: Number(r.study_id),
      studyName: r.study_name,
      direction: r.direction as StudyDirection,
      userAttrs: JSON.parse(r.user_attrs) as Attrs,
      systemAttrs: JSON.parse(r.system_attrs) as Attrs,
      datetimeStart: new Date(Number(r.datetime_start)),
    };
  }

  private frozen(r: TrialRow): FrozenTrial {
    const dists: Record<string, Distribution> = {};
    for (const [k, v] of Object.entries(JSON.parse(r.distributions) as Record<string, unknown>)) dists[k] = distributionFromJson(v, k);
    const pairs = JSON.parse(r.intermediate_values) as [number, number | string | null][];
    return {
      number: Number(r.number),
      trialId: Number(r.trial_id),
      state: r.state as TrialState,
      value: r.value === null ? null : Number(r.value),
      params: JSON.parse(r.params) as Record<string, ParamValue>,
      distributions: dists,
      intermediateValues: new Map(pairs.map(([s, v]) => [s, decodeNum(v)])),
      userAttrs: JSON.parse(r.user_attrs) as Attrs,
      systemAttrs: JSON.parse(r.system_attrs) as Attrs,
      datetimeStart: r.datetime_start === null ? null : new Date(Number(r.datetime_start)),
      datetimeComplete: r.datetime_complete === null ? null : new Date(Number(r.datetime_complete)),
    };
  }

  createStudy(name: string, direction: StudyDirection): StudyRecord {
    try {
      this.db.prepare('INSERT INTO tune_studies (study_name, direction, user_attrs, system_attrs, datetime_start) VALUES (?, ?, ?, ?, ?)').run(name, direction, '{}', '{}', Date.now());
    } catch (e) {
      if (this.dialect.isUniqueViolation(e)) throw new DuplicatedStudyError(name, this.location);
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
      const values = (this.db.prepare("SELECT value FROM tune_trials WHERE study_id = ? AND state = 'complete'").all(r.study_id) as { value: number }[]).map((x) => Number(x.value));
      return { ...rec, nTrials: Number(n.n), bestValue: bestOf(values, rec.direction) };
    });
  }

  deleteStudy(studyId: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tune_trials WHERE study_id = ?').run(studyId);
      this.db.prepare('DELETE FROM tune_studies WHERE study_id = ?').run(studyId);
    }).immediate();
  }

  private studyAttrs(studyId: number, column: 'user_attrs' | 'system_attrs'): Attrs {
    const r = this.db.prepare(`SELECT ${column} AS a FROM tune_studies WHERE study_id = ?`).get(studyId) as { a: string } | undefined;
    if (!r) throw new Error(`${this.location}: no study with id ${studyId}`);
    return JSON.parse(r.a) as Attrs;
  }

  private updateStudyAttr(studyId: number, column: 'user_attrs' | 'system_attrs', key: string, value: JsonValue): void {
    this.db.transaction(() => {
      const attrs = this.studyAttrs(studyId, column);
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

  private insertTrial(studyId: number, state: TrialState, userAttrs: Attrs, systemAttrs: Attrs): number {
    const next = this.db.prepare('SELECT COALESCE(MAX(number) + 1, 0) AS n FROM tune_trials WHERE study_id = ?').get(studyId) as { n: number };
    const r = this.db
      .prepare(
        `INSERT INTO tune_trials (study_id, number, state, value, params, distributions, intermediate_values, user_attrs, system_attrs, datetime_start, heartbeat)
         VALUES (?, ?, ?, NULL, '{}', '{}', '[]', ?, ?, ?, ${state === 'running' ? this.dialect.nowMs : 'NULL'}) RETURNING trial_id`,
      )
      .get(studyId, Number(next.n), state, JSON.stringify(userAttrs), JSON.stringify(systemAttrs), state === 'running' ? Date.now() : null) as { trial_id: number };
    return Number(r.trial_id);
  }

  private row(trialId: number, lock = false): TrialRow {
    const r = this.db.prepare(`SELECT ${TRIAL_COLUMNS} FROM tune_trials WHERE trial_id = ?${lock && this.dialect.rowLocks ? ' FOR UPDATE' : ''}`).get(trialId) as TrialRow | undefined;
    if (!r) throw new Error(`${this.location}: no trial with id ${trialId}`);
    return r;
  }

  enqueueTrial(studyId: number, params: Record<string, ParamValue>, userAttrs: Record<string, JsonValue>): FrozenTrial {
    const id = this.db.transaction(() => this.insertTrial(studyId, 'waiting', userAttrs, { fixedParams: params })).immediate();
    return this.getTrial(id);
  }

  enqueueTrialsOnce(studyId: number, key: string, trials: readonly EnqueueItem[]): number {
    return this.db
      .transaction(() => {
        const attrs = this.studyAttrs(studyId, 'system_attrs');
        const mark = `enqueued:${key}`;
        if (attrs[mark] !== undefined) return 0;
        for (const t of trials) this.insertTrial(studyId, 'waiting', {}, { ...(t.systemAttrs ?? {}), fixedParams: t.params });
        attrs[mark] = trials.length;
        this.db.prepare('UPDATE tune_studies SET system_attrs = ? WHERE study_id = ?').run(JSON.stringify(attrs), studyId);
        return trials.length;
      })
      .immediate();
  }

  private takeWaiting(studyId: number): number | null {
    const w = this.db.prepare("SELECT trial_id, system_attrs FROM tune_trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1").get(studyId) as
      | { trial_id: number; system_attrs: string }
      | undefined;
    if (!w) return null;
    const sys = { ...(JSON.parse(w.system_attrs) as Attrs), ...this.owner() };
    this.db.prepare(`UPDATE tune_trials SET state = 'running', datetime_start = ?, heartbeat = ${this.dialect.nowMs}, system_attrs = ? WHERE trial_id = ?`).run(Date.now(), JSON.stringify(sys), w.trial_id);
    return Number(w.trial_id);
  }

  private owner(): Attrs {
    return { pid: process.pid, hostname: this.host };
  }

  claimTrial(studyId: number): FrozenTrial {
    const id = this.db
      .transaction(() => {
        this.reap(studyId);
        return this.takeWaiting(studyId) ?? this.insertTrial(studyId, 'running', {}, this.owner());
      })
      .immediate();
    return this.getTrial(id);
  }

  tryClaimTrial(studyId: number, opts: ClaimOptions): FrozenTrial | null {
    const id = this.db
      .transaction(() => {
        this.reap(studyId);
        const waiting = this.takeWaiting(studyId);
        if (waiting !== null || opts.waitingOnly) return waiting;
        if (opts.maxTrials !== undefined) {
          const used = this.db
            .prepare(`SELECT count(*) AS n FROM tune_trials WHERE study_id = ? AND state <> 'waiting' AND NOT (state = 'fail' AND system_attrs LIKE '%"requeuedAs":%')`)
            .get(studyId) as { n: number };
          if (Number(used.n) >= opts.maxTrials) return null;
        }
        return this.insertTrial(studyId, 'running', {}, this.owner());
      })
      .immediate();
    return id === null ? null : this.getTrial(id);
  }

  /** A transaction that changes one trial: its row locked (PostgreSQL) or IMMEDIATE (SQLite). */
  private trialTx<T>(fn: () => T): T {
    return this.dialect.rowLocks ? this.db.transaction(fn)() : this.db.transaction(fn).immediate();
  }

  /** Read-modify-write of one JSON column of a trial, in one transaction. */
  private updateTrial(trialId: number, what: string, column: keyof TrialRow, change: (current: string) => string, mustRun = true): void {
    this.trialTx(() => {
      const r = this.row(trialId, true);
      if (mustRun && r.state !== 'running') throw new TrialNotRunningError(Number(r.number), r.state as TrialState, what);
      this.db.prepare(`UPDATE tune_trials SET ${column} = ? WHERE trial_id = ?`).run(change(String(r[column])), trialId);
    });
  }

  setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): void {
    this.trialTx(() => {
      const r = this.row(trialId, true);
      if (r.state !== 'running') throw new TrialNotRunningError(Number(r.number), r.state as TrialState, `set parameter '${name}'`);
      const params = JSON.parse(r.params) as Record<string, ParamValue>;
      const dists = JSON.parse(r.distributions) as Record<string, Distribution>;
      params[name] = value;
      dists[name] = distribution;
      this.db.prepare('UPDATE tune_trials SET params = ?, distributions = ? WHERE trial_id = ?').run(JSON.stringify(params), JSON.stringify(dists), trialId);
    });
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
    this.trialTx(() => {
      const r = this.row(trialId, true);
      if (r.state === 'complete' || r.state === 'pruned' || r.state === 'fail') throw new TrialNotRunningError(Number(r.number), r.state as TrialState, 'finish');
      const now = Date.now();
      this.db.prepare('UPDATE tune_trials SET state = ?, value = ?, datetime_complete = ?, datetime_start = COALESCE(datetime_start, ?), heartbeat = NULL WHERE trial_id = ?').run(state, value, now, now, trialId);
    });
    return this.getTrial(trialId);
  }

  getTrial(trialId: number): FrozenTrial {
    return this.frozen(this.row(trialId));
  }

  getTrials(studyId: number, states?: readonly TrialState[]): FrozenTrial[] {
    const rows = this.db.prepare(`SELECT ${TRIAL_COLUMNS} FROM tune_trials WHERE study_id = ? ORDER BY number`).all(studyId) as TrialRow[];
    return (states ? rows.filter((r) => states.includes(r.state as TrialState)) : rows).map((r) => this.frozen(r));
  }

  heartbeat(trialIds: readonly number[]): void {
    if (trialIds.length === 0) return;
    this.db.prepare(`UPDATE tune_trials SET heartbeat = ${this.dialect.nowMs} WHERE state = 'running' AND trial_id IN (${trialIds.map(() => '?').join(', ')})`).run(...trialIds);
  }

  /** Inside a transaction: fail (and maybe re-queue) the stale running trials; their ids. */
  private reap(studyId: number): number[] {
    const rows = this.db
      .prepare(`SELECT trial_id, number, params, user_attrs, system_attrs, heartbeat, datetime_start, ${this.dialect.nowMs} AS now FROM tune_trials WHERE study_id = ? AND state = 'running'`)
      .all(studyId) as { trial_id: number; number: number; params: string; user_attrs: string; system_attrs: string; heartbeat: number | null; datetime_start: number | null; now: number }[];
    if (rows.length === 0) return [];
    const study = this.studyAttrs(studyId, 'system_attrs');
    const grace = study[DEAD_WORKER_ATTRS.graceSeconds];
    const requeue = study[DEAD_WORKER_ATTRS.requeue] === true;
    const stale: number[] = [];
    for (const r of rows) {
      const sys = JSON.parse(r.system_attrs) as Attrs;
      let reason: string | null = null;
      if (sys.hostname === this.host && typeof sys.pid === 'number' && sys.pid !== process.pid && !pidAlive(sys.pid)) {
        reason = `worker process ${sys.pid} on ${this.host} exited while the trial was running`;
      } else if (typeof grace === 'number' && grace > 0) {
        const last = r.heartbeat ?? r.datetime_start;
        const silent = last === null ? Infinity : (Number(r.now) - Number(last)) / 1000;
        if (silent > grace) reason = `worker process ${String(sys.pid)} on ${String(sys.hostname)} sent no heartbeat for ${silent.toFixed(1)} s (grace period ${grace} s)`;
      }
      if (reason === null) continue;
      sys.failReason = reason;
      if (requeue) {
        const fixed = { ...((sys.fixedParams as Record<string, ParamValue> | undefined) ?? {}), ...(JSON.parse(r.params) as Record<string, ParamValue>) };
        const carry: Attrs = { requeuedFrom: Number(r.number), fixedParams: fixed };
        for (const k of ['gridId', 'gridSpace']) if (sys[k] !== undefined) carry[k] = sys[k]!;
        const newId = this.insertTrial(studyId, 'waiting', JSON.parse(r.user_attrs) as Attrs, carry);
        sys.requeuedAs = Number((this.db.prepare('SELECT number FROM tune_trials WHERE trial_id = ?').get(newId) as { number: number }).number);
      }
      this.db.prepare("UPDATE tune_trials SET state = 'fail', datetime_complete = ?, heartbeat = NULL, system_attrs = ? WHERE trial_id = ? AND state = 'running'").run(Date.now(), JSON.stringify(sys), r.trial_id);
      stale.push(Number(r.trial_id));
    }
    return stale;
  }

  failStaleTrials(studyId: number): FrozenTrial[] {
    const ids = this.db.transaction(() => this.reap(studyId)).immediate();
    return ids.map((id) => this.getTrial(id));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
