/**
 * What the page knows about the runs it shows, kept up to date by asking the API only for
 * records newer than the last ids seen (the store's cursor), so following a live run costs a
 * small request every two seconds.
 */
import type { HistogramRecord, MediaKind, RunInfo, RunTags } from '../../track/types.js';
import type { Diagnostic } from '../../track/diagnostics.js';
import { getJson } from './dom.js';

export interface Cursor {
  scalars: number;
  histograms: number;
  media: number;
}

/** A media record as the API sends it (images and SVG figures carry a url). */
export interface PageMedia {
  id: number;
  kind: MediaKind;
  tag: string;
  step: number;
  wallTime: number;
  data: Record<string, unknown>;
}

export interface RunData {
  info: RunInfo;
  tags: RunTags;
  cursor: Cursor;
  /** Points per scalar tag, by step (wallTime: seconds since the epoch). */
  scalars: Map<string, { step: number; value: number | null; wallTime: number }[]>;
  histograms: Map<string, HistogramRecord[]>;
  media: PageMedia[];
  /** What track/diagnostics.ts flags in the run (over-fitting, dead ReLU units, gradients, divergence). */
  diagnostics: Diagnostic[];
}

interface RunAnswer {
  run: RunInfo;
  tags: RunTags;
  cursor: Cursor;
  diagnostics?: Diagnostic[];
}

const enc = encodeURIComponent;

function addSorted<T extends { step: number }>(map: Map<string, T[]>, tag: string, rec: T): void {
  let list = map.get(tag);
  if (!list) map.set(tag, (list = []));
  if (list.length && list[list.length - 1]!.step > rec.step) {
    list.push(rec);
    list.sort((a, b) => a.step - b.step);
  } else list.push(rec);
}

/** Fetch every record after `after` into d and move d.cursor past the newest one seen. */
async function pull(d: RunData, after: Cursor): Promise<void> {
  const id = enc(d.info.id);
  const [s, hs, m] = await Promise.all([
    getJson<{ points: { id: number; tag: string; step: number; value: number | null; wallTime: number }[] }>(`/api/runs/${id}/scalars?afterId=${after.scalars}`),
    getJson<{ histograms: HistogramRecord[] }>(`/api/runs/${id}/histograms?afterId=${after.histograms}`),
    getJson<{ media: PageMedia[] }>(`/api/runs/${id}/media?afterId=${after.media}`),
  ]);
  for (const p of s.points) addSorted(d.scalars, p.tag, { step: p.step, value: p.value, wallTime: p.wallTime });
  for (const h of hs.histograms) addSorted(d.histograms, h.tag, h);
  d.media.push(...m.media);
  const top = (ids: number[], from: number): number => ids.reduce((a, b) => Math.max(a, b), from);
  d.cursor = {
    scalars: top(s.points.map((p) => p.id), after.scalars),
    histograms: top(hs.histograms.map((x) => x.id), after.histograms),
    media: top(m.media.map((x) => x.id), after.media),
  };
}

export async function loadRun(id: string): Promise<RunData> {
  const a = await getJson<RunAnswer>(`/api/runs/${enc(id)}`);
  const d: RunData = { info: a.run, tags: a.tags, cursor: { scalars: 0, histograms: 0, media: 0 }, scalars: new Map(), histograms: new Map(), media: [], diagnostics: a.diagnostics ?? [] };
  await pull(d, { scalars: 0, histograms: 0, media: 0 });
  return d;
}

/** Fetch what is new for a run; true when anything changed (records or status). */
export async function refreshRun(d: RunData): Promise<boolean> {
  const c = await getJson<{ status: RunInfo['status']; endedAt: number | null; cursor: Cursor }>(`/api/runs/${enc(d.info.id)}/cursor`);
  const grew = c.cursor.scalars > d.cursor.scalars || c.cursor.histograms > d.cursor.histograms || c.cursor.media > d.cursor.media;
  const statusChanged = c.status !== d.info.status;
  if (!grew && !statusChanged) return false;
  if (grew) {
    const a = await getJson<RunAnswer>(`/api/runs/${enc(d.info.id)}`);
    d.tags = a.tags;
    d.info = a.run;
    d.diagnostics = a.diagnostics ?? [];
    await pull(d, d.cursor);
  } else {
    d.info = { ...d.info, status: c.status, endedAt: c.endedAt };
  }
  return true;
}

/** The final value of every scalar tag of a run. */
export function lastValues(d: RunData): Map<string, { step: number; value: number | null }> {
  const out = new Map<string, { step: number; value: number | null }>();
  for (const [tag, pts] of d.scalars) if (pts.length) out.set(tag, pts[pts.length - 1]!);
  return out;
}
