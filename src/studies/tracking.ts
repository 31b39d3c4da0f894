/**
 * How a study records its runs: one run in the store per model variant it trains (S2, S3 and S4
 * compare many), named `<study>/<variant>`, so the dashboard can overlay them. The CLI opens
 * the store and finishes every run when the study ends (failed if it threw).
 */
import type { JsonValue } from '../track/types.js';
import { RunStore } from '../track/store.js';
import { Tracker, type TrackerOptions } from '../track/tracker.js';
import type { Run } from '../track/run.js';
import type { ResumeSession } from './resume.js';

export type StudyConfig = Record<string, JsonValue>;

export class StudyTracking {
  readonly runs: Run[] = [];
  private session: ResumeSession | null = null;

  constructor(private readonly store: RunStore | null, readonly study: string, readonly seed: number) {}

  /**
   * Records the runs in a resume session (its manifest lists them); in a resumed session the
   * k-th variant reopens the session's k-th run, keeping its records up to the last checkpoint.
   */
  attach(session: ResumeSession): void {
    if (!this.store) throw new Error('StudyTracking.attach: tracking is off, there is no run to resume');
    const store = this.store;
    this.session = session;
    session.cursorOf = (id) => store.cursor(id);
  }

  /** A fit-loop callback that records one variant, or null when tracking is off. */
  variant(name: string, config: StudyConfig, trackerOptions: Omit<TrackerOptions, 'finishOnEnd'> = {}): Tracker | null {
    if (!this.store) return null;
    const full = `${this.study}/${name}`;
    const k = this.runs.length;
    const s = this.session;
    let run: Run;
    if (s?.resumed && k < s.manifest.runs.length) {
      const prev = s.manifest.runs[k];
      if (prev.name !== full) throw new Error(`resume: run ${k + 1} of this study run was '${prev.name}', now '${full}' (different code or settings?)`);
      run = this.store.reopenRun(prev.id, s.cursors.get(prev.id) ?? null);
    } else {
      run = this.store.startRun({ name: full, study: this.study, config, seed: this.seed });
      s?.addRun(run.id, run.name);
    }
    this.runs.push(run);
    return new Tracker(run, { ...trackerOptions, finishOnEnd: false });
  }

  finish(error?: unknown): void {
    for (const r of this.runs) {
      if (r.finished) continue;
      if (error === undefined) r.finish('finished');
      else r.fail(error);
    }
  }

  get runIds(): string[] {
    return this.runs.map((r) => r.id);
  }

  /** Where the run store was opened (a PostgreSQL URL with its password: never print it). */
  get storePath(): string | null {
    return this.store?.location ?? null;
  }

  /** A tracker that records nothing, for tests and --no-track. */
  static off(study: string, seed: number): StudyTracking {
    return new StudyTracking(null, study, seed);
  }
}
