/**
 * Trials as table rows (Optuna's trials_dataframe, camelCase) and a plain-text rendering of
 * such rows for the terminal.
 *
 * Columns, in order: number, value, datetimeStart, datetimeComplete (ISO strings), duration
 * (seconds), params_<name> for every parameter any trial has (sorted), userAttrs_<key>, state.
 * Missing cells are null.
 */
import { formatValue } from './progress.js';
import { durationSeconds, type FrozenTrial } from './types.js';

export type Cell = string | number | boolean | null;
export type TrialRow = Record<string, Cell>;

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

export function trialsDataFrame(trials: readonly FrozenTrial[]): TrialRow[] {
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const attrs = [...new Set(trials.flatMap((t) => Object.keys(t.userAttrs)))].sort();
  return trials.map((t) => {
    const row: TrialRow = {
      number: t.number,
      value: t.value,
      datetimeStart: t.datetimeStart?.toISOString() ?? null,
      datetimeComplete: t.datetimeComplete?.toISOString() ?? null,
      duration: durationSeconds(t),
    };
    for (const p of params) row[`params_${p}`] = cell(t.params[p]);
    for (const a of attrs) row[`userAttrs_${a}`] = cell(t.userAttrs[a]);
    row.state = t.state;
    return row;
  });
}

function show(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatValue(v);
  return String(v);
}

/** Aligned text table of rows (numbers right-aligned), optionally only some columns. */
export function formatTable(rows: readonly TrialRow[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => show(r[c] ?? null)));
  const widths = cols.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const numeric = cols.map((c) => rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'));
  const line = (vals: readonly string[]): string => vals.map((v, j) => (numeric[j] ? v.padStart(widths[j]!) : v.padEnd(widths[j]!))).join('  ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}
