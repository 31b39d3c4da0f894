/**
 * Export a run from the store to TensorBoard event files, once or following it while it trains.
 *
 * What goes where: scalars → simple_value; histograms → histo; images → PNG images; text →
 * the text plugin; matrices → a colour-mapped PNG (one cell = a square of pixels) plus a
 * Markdown table under '<tag>/values'; heat-maps over tokens → a Markdown table of tokens and
 * weights. Curves, point sets and figures have no TensorBoard form here and are counted as
 * skipped (the dashboard and reports show them).
 *
 * NOTE: TensorBoard drops ("purges") earlier events when a step goes backwards in a file, so
 * each batch of records is written sorted by step. In live mode, records that arrive later
 * with a smaller step than already written (rare: epoch-level records after batch-level ones
 * in the same poll window) are still written; TensorBoard may then hide a few older points.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../lifecycle.js';
import { encodePng } from '../png.js';
import type { RunStore } from '../store.js';
import type { MatrixData, MediaRecord, HeatmapData } from '../types.js';
import type { SummaryValue } from './events.js';
import { EventFileWriter } from './writer.js';

export interface ExportOptions {
  /** Folder for the event file; default runs/tensorboard/<name>_<id>. */
  outDir?: string;
  /** Keep polling the store until the run ends (or `signal` aborts). */
  live?: boolean;
  pollMs?: number;
  signal?: AbortSignal;
  /** Called after each batch written (live progress). */
  onWrite?: (counts: ExportCounts) => void;
}

export interface ExportCounts {
  scalars: number;
  histograms: number;
  images: number;
  texts: number;
  skipped: number;
}

export interface ExportResult extends ExportCounts {
  file: string;
  outDir: string;
  events: number;
  /** False when a live export stopped (abort, Ctrl-C) before the run ended: the marker says 'partial'. */
  complete: boolean;
}

const MARKER = '.gradlab-export';

export function defaultExportDir(name: string, id: string): string {
  return join('runs', 'tensorboard', `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}_${id}`);
}

/** Viridis-like colour map through five stops, t in [0, 1]. */
function colour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  if (!Number.isFinite(t)) return [255, 0, 255]; // NaN/inf cells show magenta
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

export function matrixImage(m: MatrixData): { width: number; height: number; channels: 3; png: Uint8Array } {
  const finite = m.values.filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const cell = Math.max(1, Math.floor(256 / Math.max(m.rows, m.cols, 1)));
  const width = Math.max(1, m.cols * cell);
  const height = Math.max(1, m.rows * cell);
  const px = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = m.values[Math.floor(y / cell) * m.cols + Math.floor(x / cell)];
      const rgb = v === undefined ? colour(0) : colour(hi > lo ? (v - lo) / (hi - lo) : 0.5);
      px.set(rgb, (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, png: encodePng({ width, height, channels: 3, data: px }) };
}

const cellText = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function matrixMarkdown(m: MatrixData): string {
  const cols = m.colLabels ?? Array.from({ length: m.cols }, (_, j) => String(j));
  const head = `| ${cellText(m.rowTitle ?? '')} | ${cols.map(cellText).join(' | ')} |`;
  const sep = `|${' --- |'.repeat(m.cols + 1)}`;
  const rows = Array.from({ length: m.rows }, (_, i) => {
    const label = m.rowLabels?.[i] ?? String(i);
    return `| ${cellText(label)} | ${m.values.slice(i * m.cols, (i + 1) * m.cols).map((v) => String(v)).join(' | ')} |`;
  });
  return [head, sep, ...rows].join('\n');
}

export function heatmapMarkdown(h: HeatmapData): string {
  const lines = ['| token | weight |', '| --- | --- |', ...h.tokens.map((t, i) => `| ${cellText(t)} | ${h.weights[i]!.toPrecision(4)} |`)];
  return (h.caption ? `${h.caption}\n\n` : '') + lines.join('\n');
}

interface Pending { step: number; wallTime: number; order: number; values: SummaryValue[] }

function mediaValues(m: MediaRecord, counts: ExportCounts): SummaryValue[] {
  switch (m.kind) {
    case 'image':
      counts.images++;
      return [{ kind: 'image', tag: m.tag, width: m.data.width, height: m.data.height, channels: m.data.channels, png: m.data.png }];
    case 'text':
      counts.texts++;
      return [{ kind: 'text', tag: m.tag, text: m.data.text }];
    case 'matrix':
      counts.images++;
      counts.texts++;
      return [{ kind: 'image', tag: m.tag, ...matrixImage(m.data) }, { kind: 'text', tag: `${m.tag}/values`, text: matrixMarkdown(m.data) }];
    case 'heatmap':
      counts.texts++;
      return [{ kind: 'text', tag: m.tag, text: heatmapMarkdown(m.data) }];
    default:
      counts.skipped++;
      return [];
  }
}

/** Write the run's records (all, or after the cursor) to the writer, sorted by step; advance the cursor. */
function drain(store: RunStore, runId: string, w: EventFileWriter, cur: { scalars: number; histograms: number; media: number }, counts: ExportCounts): number {
  const pending: Pending[] = [];
  for (const s of store.scalars(runId, { afterId: cur.scalars })) {
    cur.scalars = Math.max(cur.scalars, s.id);
    counts.scalars++;
    pending.push({ step: s.step, wallTime: s.wallTime, order: s.id, values: [{ kind: 'scalar', tag: s.tag, value: s.value }] });
  }
  for (const h of store.histograms(runId, { afterId: cur.histograms })) {
    cur.histograms = Math.max(cur.histograms, h.id);
    if (h.limits.length === 0) {
      counts.skipped++; // no finite values: nothing TensorBoard could draw
      continue;
    }
    counts.histograms++;
    pending.push({ step: h.step, wallTime: h.wallTime, order: h.id, values: [{ kind: 'histogram', tag: h.tag, histogram: h }] });
  }
  for (const m of store.media(runId, { afterId: cur.media })) {
    cur.media = Math.max(cur.media, m.id);
    const values = mediaValues(m, counts);
    if (values.length) pending.push({ step: m.step, wallTime: m.wallTime, order: m.id, values });
  }
  pending.sort((a, b) => a.step - b.step || a.wallTime - b.wallTime || a.order - b.order);
  for (const p of pending) w.write(p.wallTime, p.step, p.values);
  return pending.length;
}

/** A file being written by an export: no 'tfevents' in its name, so TensorBoard never reads it. */
const PARTIAL = /^\.export-(\d+)-[0-9a-f]+\.partial$/;

/** The marker's state line: what the folder's event file holds. */
export type ExportState = 'complete' | 'partial';

/** Read the marker: first line the run id, second its state (older markers have only the id). */
export function readExportMarker(outDir: string): { runId: string; state: ExportState | null } | null {
  const marker = join(outDir, MARKER);
  if (!existsSync(marker)) return null;
  const [runId = '', state = ''] = readFileSync(marker, 'utf8').split('\n').map((l) => l.trim());
  return { runId, state: state.startsWith('complete') ? 'complete' : state.startsWith('partial') ? 'partial' : null };
}

function writeMarker(outDir: string, runId: string, state: string): void {
  writeFileSync(join(outDir, MARKER), `${runId}\n${state}\n`);
}

/** Check the folder may take this run's export; remove temporary files of exports that died. */
function prepareDir(outDir: string, runId: string): string[] {
  if (!existsSync(outDir)) return [];
  const files = readdirSync(outDir);
  for (const f of files) {
    const m = PARTIAL.exec(f);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(outDir, f), { force: true });
  }
  const events = files.filter((f) => f.includes('tfevents'));
  if (events.length === 0) return [];
  const owner = readExportMarker(outDir)?.runId ?? null;
  if (owner !== runId) {
    throw new Error(`export: ${outDir} already holds event files ${owner ? `of run ${owner}` : 'not written by gradlab'} (${events.join(', ')}); choose another --out`);
  }
  return events; // a re-export of the same run replaces them once its own file is complete
}

/** Wait `ms` or until `signal` aborts; the abort listener is removed either way (no leak per poll). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((res) => {
    if (signal?.aborted) return res();
    const onAbort = (): void => {
      clearTimeout(t);
      res();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      res();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A one-off export writes a temporary file (no 'tfevents' in its name) and renames it over the
 * run's event file only once complete, so a killed export leaves the previous complete one; its
 * temporary file is removed by the next export. A live export writes the event file TensorBoard
 * follows; the marker says 'partial' until it ends with the run ('complete'). A live export ends
 * when the run ends, or when its process is gone (the store reads it as killed), or on abort.
 */
export async function exportTensorBoard(store: RunStore, runRef: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const run = store.getRun(runRef);
  const outDir = opts.outDir ?? defaultExportDir(run.name, run.id);
  const old = prepareDir(outDir, run.id);
  const finalName = EventFileWriter.fileName(run.startedAt / 1000);
  const tmpName = `.export-${process.pid}-${Math.floor(Math.random() * 0xffffffff).toString(16)}.partial`;
  const removeOld = (): void => {
    for (const f of old) if (f !== finalName) rmSync(join(outDir, f), { force: true });
  };
  if (opts.live) {
    // TensorBoard follows the file as it grows: write it under its own name from the start.
    if (old.includes(finalName)) rmSync(join(outDir, finalName));
  }
  const w = new EventFileWriter(outDir, run.startedAt / 1000, opts.live ? undefined : tmpName);
  const cur = { scalars: 0, histograms: 0, media: 0 };
  const counts: ExportCounts = { scalars: 0, histograms: 0, images: 0, texts: 0, skipped: 0 };
  let complete = false;
  try {
    drain(store, run.id, w, cur, counts);
    if (opts.live) {
      removeOld();
      writeMarker(outDir, run.id, 'partial: live export in progress (or stopped before the run ended)');
    }
    opts.onWrite?.({ ...counts });
    let ended = store.getRun(run.id).status !== 'running';
    while (opts.live && !ended && !opts.signal?.aborted) {
      await sleep(opts.pollMs ?? 1000, opts.signal);
      ended = store.getRun(run.id).status !== 'running'; // 'killed' once its process is gone
      if (drain(store, run.id, w, cur, counts) > 0) opts.onWrite?.({ ...counts });
    }
    w.sync();
    complete = !opts.live || ended;
  } catch (e) {
    w.close();
    if (!opts.live) rmSync(w.path, { force: true });
    throw e;
  }
  w.close();
  const file = join(outDir, finalName);
  if (!opts.live) {
    renameSync(w.path, file);
    removeOld();
  }
  writeMarker(outDir, run.id, complete ? `complete: ${run.status === 'running' ? 'records so far' : 'the whole run'}` : 'partial: the live export stopped before the run ended');
  return { file, outDir, events: w.records, ...counts, complete };
}
