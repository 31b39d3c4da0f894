/**
 * A run trained in the lab page, as one JSON file the page downloads and `gradlab import <file>`
 * puts into the run store (so it shows in the dashboard like a run made in Node). It holds only
 * data: scalars, histogram summaries and matrices, with the run's name, study, seed and config.
 * `parseRunFile` checks every field and names the first bad one with its path and value.
 */
import type { HistogramSummary, MatrixData } from '../track/types.js';

export const RUN_FILE_FORMAT = 'gradlab-run';
export const RUN_FILE_VERSION = 1;

export type JsonScalar = string | number | boolean | null;

export interface RunFile {
  format: typeof RUN_FILE_FORMAT;
  version: number;
  name: string;
  study: string;
  seed: number | null;
  config: Record<string, JsonScalar>;
  /** Where it ran, e.g. 'gradlab lab in Chromium 140, wasm 2 threads'. */
  source: string;
  scalars: { tag: string; step: number; value: number | null }[];
  histograms: { tag: string; step: number; summary: HistogramSummary }[];
  matrices: { tag: string; step: number; matrix: MatrixData }[];
}

export class RunFileError extends Error {}

function fail(where: string, path: string, what: string, v: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(v);
  } catch {
    shown = String(v);
  }
  if (shown !== undefined && shown.length > 60) shown = shown.slice(0, 57) + '...';
  throw new RunFileError(`${where}: ${path} ${what} (got ${shown})`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(where: string, o: Record<string, unknown>, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) fail(where, `${path}.${key}`, 'must be a non-empty string of at most 200 characters', v);
  return v;
}

function step(where: string, v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(where, path, 'must be an integer ≥ 0', v);
  return v;
}

function numbers(where: string, v: unknown, path: string, allowNull = false): number[] {
  if (!Array.isArray(v)) fail(where, path, 'must be an array of numbers', v);
  v.forEach((x, i) => {
    if (!(typeof x === 'number' && Number.isFinite(x)) && !(allowNull && x === null)) fail(where, `${path}[${i}]`, 'must be a finite number', x);
  });
  return v as number[];
}

function labels(where: string, v: unknown, path: string, n: number): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'string')) fail(where, path, `must be ${n} strings`, v);
  return v as string[];
}

/** Checks a parsed run file; `where` names the file in errors. */
export function parseRunFile(raw: unknown, where = 'run file'): RunFile {
  if (!isObj(raw)) fail(where, 'the file', 'must hold a JSON object', raw);
  if (raw.format !== RUN_FILE_FORMAT) fail(where, 'format', `must be '${RUN_FILE_FORMAT}' (is this a run downloaded from the gradlab lab?)`, raw.format);
  if (raw.version !== RUN_FILE_VERSION) fail(where, 'version', `must be ${RUN_FILE_VERSION} (this gradlab reads version ${RUN_FILE_VERSION})`, raw.version);
  const known = new Set(['format', 'version', 'name', 'study', 'seed', 'config', 'source', 'scalars', 'histograms', 'matrices']);
  for (const k of Object.keys(raw)) if (!known.has(k)) fail(where, k, `is not a field of a run file (fields: ${[...known].join(', ')})`, raw[k]);
  const name = str(where, raw, 'name', '');
  const study = str(where, raw, 'study', '');
  const source = str(where, raw, 'source', '');
  const seed = raw.seed;
  if (seed !== null && !(typeof seed === 'number' && Number.isInteger(seed))) fail(where, 'seed', 'must be an integer or null', seed);
  if (!isObj(raw.config)) fail(where, 'config', 'must be an object', raw.config);
  const config: Record<string, JsonScalar> = {};
  for (const [k, v] of Object.entries(raw.config)) {
    if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v))) fail(where, `config.${k}`, 'must be a string, number, boolean or null', v);
    config[k] = v as JsonScalar;
  }
  const list = (key: string): Record<string, unknown>[] => {
    const v = raw[key];
    if (!Array.isArray(v)) fail(where, key, 'must be an array', v);
    v.forEach((x, i) => { if (!isObj(x)) fail(where, `${key}[${i}]`, 'must be an object', x); });
    return v as Record<string, unknown>[];
  };
  const scalars = list('scalars').map((s, i) => {
    const p = `scalars[${i}]`;
    const v = s.value;
    if (!(v === null || (typeof v === 'number' && Number.isFinite(v)))) fail(where, `${p}.value`, 'must be a finite number or null', v);
    return { tag: str(where, s, 'tag', p), step: step(where, s.step, `${p}.step`), value: v as number | null };
  });
  const histograms = list('histograms').map((h, i) => {
    const p = `histograms[${i}]`;
    const s = h.summary;
    if (!isObj(s)) fail(where, `${p}.summary`, 'must be an object', s);
    const limits = numbers(where, s.limits, `${p}.summary.limits`);
    const counts = numbers(where, s.counts, `${p}.summary.counts`);
    if (limits.length !== counts.length) fail(where, `${p}.summary`, `has ${limits.length} limits but ${counts.length} counts`, null);
    const f = (k: string): number => {
      const x = s[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(where, `${p}.summary.${k}`, 'must be a finite number', x);
      return x;
    };
    const summary: HistogramSummary = { min: f('min'), max: f('max'), num: f('num'), nanCount: f('nanCount'), sum: f('sum'), sumSquares: f('sumSquares'), limits, counts };
    return { tag: str(where, h, 'tag', p), step: step(where, h.step, `${p}.step`), summary };
  });
  const matrices = list('matrices').map((m, i) => {
    const p = `matrices[${i}]`;
    const x = m.matrix;
    if (!isObj(x)) fail(where, `${p}.matrix`, 'must be an object', x);
    const rows = step(where, x.rows, `${p}.matrix.rows`);
    const cols = step(where, x.cols, `${p}.matrix.cols`);
    const values = numbers(where, x.values, `${p}.matrix.values`);
    if (values.length !== rows * cols) fail(where, `${p}.matrix.values`, `must hold rows×cols = ${rows * cols} numbers, has ${values.length}`, null);
    const matrix: MatrixData = { rows, cols, values };
    const rl = labels(where, x.rowLabels, `${p}.matrix.rowLabels`, rows);
    const cl = labels(where, x.colLabels, `${p}.matrix.colLabels`, cols);
    if (rl) matrix.rowLabels = rl;
    if (cl) matrix.colLabels = cl;
    if (typeof x.rowTitle === 'string') matrix.rowTitle = x.rowTitle;
    if (typeof x.colTitle === 'string') matrix.colTitle = x.colTitle;
    return { tag: str(where, m, 'tag', p), step: step(where, m.step, `${p}.step`), matrix };
  });
  return { format: RUN_FILE_FORMAT, version: RUN_FILE_VERSION, name, study, seed: seed as number | null, config, source, scalars, histograms, matrices };
}
