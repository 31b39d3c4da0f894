/**
 * How a study records its runs: one run in the store per model variant it trains (S2, S3 and S4
 * compare many), named `<study>/<variant>`, so the dashboard can overlay them. The CLI opens
 * the store and finishes every run when the study ends (failed if it threw).
 */
import type { JsonValue } from '../track/types.js';
import { RunStore } from '../track/store.js';
import { Tracker } from '../track/tracker.js';
import type { Run } from '../track/run.js';

export type StudyConfig = Record<string, JsonValue>;

export class StudyTracking {
  readonly runs: Run[] = [];

  constructor(private readonly store: RunStore | null, readonly study: string, readonly seed: number) {}

  /** A fit-loop callback that records one variant, or null when tracking is off. */
  variant(name: string, config: StudyConfig): Tracker | null {
    if (!this.store) return null;
    const run = this.store.startRun({ name: `${this.study}/${name}`, study: this.study, config, seed: this.seed });
    this.runs.push(run);
    return new Tracker(run, { finishOnEnd: false });
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

  get storePath(): string | null {
    return this.store?.path ?? null;
  }

  /** A tracker that records nothing, for tests and --no-track. */
  static off(study: string, seed: number): StudyTracking {
    return new StudyTracking(null, study, seed);
  }
}
