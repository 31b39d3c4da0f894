/** What a study is: a named protocol from shared/STUDIES.md that runs with one command. */
import type { EpochLogs } from '../train/callbacks.js';
import type { StudyTracking } from './tracking.js';

export interface StudyOptions {
  /** Overrides the study's default number of epochs. */
  epochs?: number;
  seed: number;
  /** Human-readable progress lines (stdout normally, stderr under --json). */
  log: (line: string) => void;
  /** Extra study-specific options from the command line (--set key=value). */
  params?: Record<string, string>;
  /** Where runs are recorded (StudyTracking.off() records nothing). */
  tracking: StudyTracking;
}

export interface StudyResult {
  study: string;
  seed: number;
  epochs: number;
  testAccuracy: number;
  testLoss: number;
  history: Array<{ epoch: number } & Record<string, number>>;
  [extra: string]: unknown;
}

export interface Study {
  name: string;
  /** One line: what it reproduces. */
  title: string;
  defaultEpochs: number;
  run(opts: StudyOptions): Promise<StudyResult>;
}

/** Flattens fit() history into JSON-friendly rows. */
export function historyRows(h: EpochLogs[]): StudyResult['history'] {
  return h.map((e) => ({ epoch: e.epoch, ...e.metrics, seconds: e.seconds }));
}

/** The tracker as a callback list (empty when tracking is off). */
export function tracked<T>(t: T | null): T[] {
  return t ? [t] : [];
}
