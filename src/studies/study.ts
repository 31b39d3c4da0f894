/** What a study is: a named protocol from shared/STUDIES.md that runs with one command. */
import type { EpochLogs } from '../train/callbacks.js';
import type { ParamValue } from './params.js';
import type { StudyTracking } from './tracking.js';

export interface StudyOptions {
  /** Overrides the study's default number of epochs. */
  epochs?: number;
  seed: number;
  /** Human-readable progress lines (stdout normally, stderr under --json). */
  log: (line: string) => void;
  /**
   * The study's declared parameters (--set key=value), typed by the CLI (parseStudyParams); a
   * string is parsed with the same rules when a program passes one. Read through StudyParams.
   */
  params?: Readonly<Record<string, ParamValue>>;
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
  /**
   * The parameters `--set key=value` accepts (studies/params.ts checks them; `gradlab list <study>`
   * shows them; `gradlab tune <study>` searches over them). An empty list accepts no --set at all.
   */
  params: readonly ParamSpec[];
  /** What the original report measured, shown beside gradlab's numbers in the study report. */
  references?: readonly ReferenceNumber[];
  run(opts: StudyOptions): Promise<StudyResult>;
}

/** One declared study parameter. Ranges are inclusive. */
export interface ParamSpec {
  name: string;
  type: 'int' | 'float' | 'bool' | 'string' | 'choice' | 'path';
  /** Shown by `gradlab list <study>`; absent means "not set" (the study decides). */
  default?: string | number | boolean;
  min?: number;
  max?: number;
  /** For type 'choice'. */
  choices?: readonly string[];
  /**
   * A comma-separated list (type 'string'): of integers or numbers (each within min/max), or of
   * these names (plus 'all' for every one).
   */
  list?: 'int' | 'float' | readonly string[];
  /** One line of help. */
  help: string;
}

/** A number from the original report, with the conditions it was measured under. */
export interface ReferenceNumber {
  /** The metric name in gradlab's names, e.g. 'test/accuracy'. */
  metric: string;
  value: number;
  /** The study configuration (variant) it belongs to, when the study has several. */
  variant?: string;
  /** Data, size, epochs, optimizer of the original measurement, in words. */
  conditions: string;
}

/** Flattens fit() history into JSON-friendly rows. */
export function historyRows(h: EpochLogs[]): StudyResult['history'] {
  return h.map((e) => ({ epoch: e.epoch, ...e.metrics, seconds: e.seconds }));
}

/** The tracker as a callback list (empty when tracking is off). */
export function tracked<T>(t: T | null): T[] {
  return t ? [t] : [];
}
