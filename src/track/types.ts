/**
 * The shapes of what the run store holds: runs and the records logged during them.
 *
 * These are plain, JSON-like objects (numbers may be NaN or ±Infinity, images carry PNG bytes)
 * so the dashboard, the reports and the exporters can read them without knowing SQL.
 * Every record carries `id`, a number that only grows within its table, so a reader that
 * follows a live run asks for "everything after the last id I saw".
 */

/** 'interrupted': stopped by SIGINT/SIGTERM (Ctrl-C); 'killed': its process vanished without a word (SIGKILL, power loss). */
export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted' | 'killed';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'interrupted', 'killed'];

/** A JSON value whose numbers may also be NaN/±Infinity (stored faithfully). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface RunInfo {
  /** Short unique id, e.g. 'k3v9x2qa'. */
  id: string;
  name: string;
  /** The study this run belongs to (e.g. 'mnist-mlp'), or null. */
  study: string | null;
  config: Record<string, JsonValue>;
  seed: number | null;
  /** Start and end as milliseconds since the Unix epoch; endedAt is null while running. */
  startedAt: number;
  endedAt: number | null;
  status: RunStatus;
  /** `git describe --always --dirty` where available, else `gradlab@<package version>`. */
  codeVersion: string;
  /** The process that owns the run (a running run whose pid is gone is marked killed). */
  pid: number;
  hostname: string;
  /** Why the run failed or was killed, when known. */
  error: string | null;
}

export interface ScalarPoint {
  id: number;
  tag: string;
  step: number;
  value: number;
  /** Seconds since the Unix epoch (TensorBoard's unit), fractional. */
  wallTime: number;
}

/**
 * A histogram summary, TensorBoard-style. Bucket i covers (limits[i-1], limits[i]]; bucket 0
 * starts at `min`. NaN values are in no bucket: they are counted in nanCount and make
 * sum/sumSquares NaN; ±Infinity fall in the first/last bucket and show in min/max.
 */
export interface HistogramSummary {
  min: number;
  max: number;
  /** Number of values, NaN included. */
  num: number;
  nanCount: number;
  sum: number;
  sumSquares: number;
  /** Right edges of the buckets, increasing. */
  limits: number[];
  counts: number[];
}

export interface HistogramRecord extends HistogramSummary {
  id: number;
  tag: string;
  step: number;
  wallTime: number;
}

/** The kinds of record kept in the media table (everything but scalars and histograms). */
export type MediaKind = 'image' | 'heatmap' | 'matrix' | 'curve' | 'points' | 'figure' | 'text';

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'heatmap', 'matrix', 'curve', 'points', 'figure', 'text'];

export interface ImageData {
  width: number;
  height: number;
  /** 1 grey, 3 RGB, 4 RGBA. */
  channels: 1 | 3 | 4;
  /** The image as a PNG file. */
  png: Uint8Array;
  caption?: string;
}

/** Tokens with one weight each (attention over words); optionally a title. */
export interface HeatmapData {
  tokens: string[];
  weights: number[];
  caption?: string;
}

/** A rows×cols matrix, row-major (confusion matrices, positional-encoding dot products). */
export interface MatrixData {
  rows: number;
  cols: number;
  values: number[];
  rowLabels?: string[];
  colLabels?: string[];
  /** Axis titles, e.g. 'true' / 'predicted'. */
  rowTitle?: string;
  colTitle?: string;
  caption?: string;
}

export interface CurveSeries {
  label: string;
  x: number[];
  y: number[];
  /** Optional number shown in a legend, e.g. the area under an ROC curve. */
  score?: number;
}

/** One or more curves drawn on the same axes (ROC per class). */
export interface CurveData {
  series: CurveSeries[];
  xLabel?: string;
  yLabel?: string;
  caption?: string;
}

/** n points in 2 or 3 dimensions, row-major coords, with optional labels (t-SNE, codes). */
export interface PointsData {
  dims: 2 | 3;
  coords: number[];
  labels?: (string | number)[];
  caption?: string;
}

/** A ready-made figure: a Vega-Lite spec (data inlined) or an SVG string. */
export type FigureData =
  | { format: 'vega-lite'; spec: { [key: string]: JsonValue }; caption?: string }
  | { format: 'svg'; svg: string; caption?: string };

export interface TextData {
  text: string;
}

export interface MediaDataByKind {
  image: ImageData;
  heatmap: HeatmapData;
  matrix: MatrixData;
  curve: CurveData;
  points: PointsData;
  figure: FigureData;
  text: TextData;
}

interface MediaBase<K extends MediaKind> {
  id: number;
  kind: K;
  tag: string;
  step: number;
  wallTime: number;
  data: MediaDataByKind[K];
}

/** A media record; narrow on `kind` to get the typed `data`. */
export type MediaRecord = { [K in MediaKind]: MediaBase<K> }[MediaKind];

/** What tags a run has logged, by record family. */
export interface RunTags {
  scalars: string[];
  histograms: string[];
  media: { kind: MediaKind; tag: string; count: number }[];
}
