/**
 * A run being written: the handle `RunStore.startRun` returns. Every `log*` call is committed
 * on its own (so a kill loses nothing already logged) unless it is inside `run.batch(fn)`,
 * which commits the whole batch as one transaction (the Tracker writes an epoch at a time).
 *
 * Arguments follow torch's SummaryWriter: (tag, value, step). Steps are integers ≥ 0; the
 * Tracker uses the epoch number (epoch 0 = before training) and the global batch step for
 * per-batch scalars.
 */
import type { Db } from './schema.js';
import type Database from 'better-sqlite3';
import { summarizeHistogram, type NumericArray } from './histogram.js';
import { encodeJson } from './json.js';
import { watchRun, unwatchRun, type OpenRun } from './lifecycle.js';
import { encodePng, pngInfo, type PngInput } from './png.js';
import type {
  CurveData,
  FigureData,
  HeatmapData,
  HistogramSummary,
  MatrixData,
  MediaKind,
  PointsData,
  RunStatus,
} from './types.js';

/** Numbers may come as plain arrays, typed arrays or a tensor (anything with `.data`). */
export type Numbers = NumericArray | { data: NumericArray };

export type HeatmapInput = Omit<HeatmapData, 'weights'> & { weights: Numbers };
export type MatrixInput = Omit<MatrixData, 'values'> & { values: Numbers };
export type CurveInput = Omit<CurveData, 'series'> & {
  series: { label: string; x: Numbers; y: Numbers; score?: number }[];
};
export type PointsInput = Omit<PointsData, 'coords'> & { coords: Numbers };
/** Pixels to encode, or a ready PNG. */
export type ImageInput = (PngInput & { caption?: string }) | { png: Uint8Array; caption?: string };

function arr(x: Numbers): number[] {
  const a = 'data' in x && typeof x.data === 'object' ? (x.data as NumericArray) : (x as NumericArray);
  return Array.from(a);
}

function checkTag(where: string, tag: string): void {
  if (typeof tag !== 'string' || tag.length === 0) throw new TypeError(`${where}: tag must be a non-empty string, got ${JSON.stringify(tag)}`);
}

function checkStep(where: string, tag: string, step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`${where}('${tag}'): step must be an integer ≥ 0, got ${step}`);
}

function f64blob(values: number[]): Buffer {
  return Buffer.from(new Float64Array(values).buffer);
}

export class Run implements OpenRun {
  private ended = false;
  private readonly ins: {
    scalar: Database.Statement;
    histogram: Database.Statement;
    media: Database.Statement;
    end: Database.Statement;
  };

  constructor(
    private readonly db: Db,
    readonly id: string,
    readonly name: string,
    handleSignals: boolean,
  ) {
    this.ins = {
      scalar: db.prepare('INSERT INTO scalars (run_id, tag, step, value, wall_time) VALUES (?, ?, ?, ?, ?)'),
      histogram: db.prepare(
        `INSERT INTO histograms (run_id, tag, step, wall_time, min, max, num, nan_count, sum, sum_squares, limits, counts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      media: db.prepare('INSERT INTO media (run_id, kind, tag, step, wall_time, data, blob) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      end: db.prepare("UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status = 'running'"),
    };
    watchRun(this, handleSignals);
  }

  /** True once finish() ran (or the process hooks ended the run). */
  get finished(): boolean {
    return this.ended;
  }

  private live(where: string): void {
    if (this.ended) throw new Error(`${where}: run ${this.id} (${this.name}) has already ended`);
  }

  /** Run `fn` (which logs) as one transaction: all of it is committed, or none. */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  logScalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): void {
    this.live('logScalar');
    checkTag('logScalar', tag);
    checkStep('logScalar', tag, step);
    if (typeof value !== 'number') throw new TypeError(`logScalar('${tag}'): value must be a number, got ${typeof value}`);
    this.ins.scalar.run(this.id, tag, step, Number.isNaN(value) ? null : value, wallTime);
  }

  /** Several scalars at the same step, in one transaction. */
  logScalars(values: Record<string, number>, step: number): void {
    const wall = Date.now() / 1000;
    this.batch(() => {
      for (const [tag, v] of Object.entries(values)) this.logScalar(tag, v, step, wall);
    });
  }

  /** A histogram of raw values (bucketed here) or of a ready summary. */
  logHistogram(tag: string, values: Numbers | HistogramSummary, step: number, opts: { buckets?: number } = {}): void {
    this.live('logHistogram');
    checkTag('logHistogram', tag);
    checkStep('logHistogram', tag, step);
    const h =
      'limits' in values && 'counts' in values
        ? values
        : summarizeHistogram('data' in values && typeof values.data === 'object' ? values.data : (values as NumericArray), opts.buckets);
    if (h.limits.length !== h.counts.length) {
      throw new RangeError(`logHistogram('${tag}'): ${h.limits.length} bucket limits but ${h.counts.length} counts`);
    }
    const nn = (v: number): number | null => (Number.isNaN(v) ? null : v);
    this.ins.histogram.run(
      this.id, tag, step, Date.now() / 1000, nn(h.min), nn(h.max), h.num, h.nanCount, nn(h.sum), nn(h.sumSquares),
      f64blob(h.limits), f64blob(h.counts),
    );
  }

  private media(kind: MediaKind, where: string, tag: string, step: number, data: unknown, blob: Uint8Array | null = null): void {
    this.live(where);
    checkTag(where, tag);
    checkStep(where, tag, step);
    this.ins.media.run(this.id, kind, tag, step, Date.now() / 1000, encodeJson(data), blob === null ? null : Buffer.from(blob));
  }

  /** An image: pixels (grey/RGB/RGBA, floats in [0,1] or bytes) encoded to PNG here, or PNG bytes. */
  logImage(tag: string, image: ImageInput, step: number): void {
    const png = 'png' in image ? image.png : encodePng(image);
    const info = pngInfo(png);
    if (info.channels === 2) throw new RangeError(`logImage('${tag}'): grey+alpha PNGs are not supported; use 1, 3 or 4 channels`);
    const meta = { width: info.width, height: info.height, channels: info.channels, ...(image.caption !== undefined ? { caption: image.caption } : {}) };
    this.media('image', 'logImage', tag, step, meta, png);
  }

  /** Tokens with one weight each (attention over words). */
  logHeatmap(tag: string, heatmap: HeatmapInput, step: number): void {
    const weights = arr(heatmap.weights);
    if (weights.length !== heatmap.tokens.length) {
      throw new RangeError(`logHeatmap('${tag}'): ${heatmap.tokens.length} tokens but ${weights.length} weights`);
    }
    this.media('heatmap', 'logHeatmap', tag, step, { ...heatmap, tokens: heatmap.tokens.map(String), weights });
  }

  /** A rows×cols matrix, row-major (confusion matrix, positional-encoding dot products). */
  logMatrix(tag: string, m: MatrixInput, step: number): void {
    const values = arr(m.values);
    if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
      throw new RangeError(`logMatrix('${tag}'): rows and cols must be integers ≥ 0, got ${m.rows}×${m.cols}`);
    }
    if (values.length !== m.rows * m.cols) {
      throw new RangeError(`logMatrix('${tag}'): ${m.rows}×${m.cols} matrix needs ${m.rows * m.cols} values, got ${values.length}`);
    }
    if (m.rowLabels && m.rowLabels.length !== m.rows) throw new RangeError(`logMatrix('${tag}'): ${m.rows} rows but ${m.rowLabels.length} row labels`);
    if (m.colLabels && m.colLabels.length !== m.cols) throw new RangeError(`logMatrix('${tag}'): ${m.cols} cols but ${m.colLabels.length} column labels`);
    this.media('matrix', 'logMatrix', tag, step, { ...m, values });
  }

  /** One or more curves on shared axes (ROC per class). */
  logCurves(tag: string, c: CurveInput, step: number): void {
    const series = c.series.map((s, i) => {
      const x = arr(s.x);
      const y = arr(s.y);
      if (x.length !== y.length) throw new RangeError(`logCurves('${tag}'): series ${i} ('${s.label}') has ${x.length} x but ${y.length} y values`);
      return { ...s, label: String(s.label), x, y };
    });
    this.media('curve', 'logCurves', tag, step, { ...c, series });
  }

  /** Points in 2 or 3 dimensions with optional labels (t-SNE maps, codes). */
  logPoints(tag: string, p: PointsInput, step: number): void {
    const coords = arr(p.coords);
    if (p.dims !== 2 && p.dims !== 3) throw new RangeError(`logPoints('${tag}'): dims must be 2 or 3, got ${String(p.dims)}`);
    if (coords.length % p.dims !== 0) throw new RangeError(`logPoints('${tag}'): ${coords.length} coords is not a multiple of dims ${p.dims}`);
    const n = coords.length / p.dims;
    if (p.labels && p.labels.length !== n) throw new RangeError(`logPoints('${tag}'): ${n} points but ${p.labels.length} labels`);
    this.media('points', 'logPoints', tag, step, { ...p, coords });
  }

  /** A ready figure: Vega-Lite spec or SVG (decision boundaries). */
  logFigure(tag: string, f: FigureData, step: number): void {
    if (f.format === 'svg') {
      if (typeof f.svg !== 'string' || !f.svg.includes('<svg')) throw new TypeError(`logFigure('${tag}'): svg must be a string holding an <svg> element`);
    } else if (f.format === 'vega-lite') {
      if (typeof f.spec !== 'object' || f.spec === null) throw new TypeError(`logFigure('${tag}'): spec must be a Vega-Lite object`);
    } else {
      throw new TypeError(`logFigure('${tag}'): format must be 'vega-lite' or 'svg', got ${JSON.stringify((f as { format: unknown }).format)}`);
    }
    this.media('figure', 'logFigure', tag, step, f);
  }

  logText(tag: string, text: string, step: number): void {
    if (typeof text !== 'string') throw new TypeError(`logText('${tag}'): text must be a string, got ${typeof text}`);
    this.media('text', 'logText', tag, step, { text });
  }

  /** End the run (default 'finished'); later log calls throw. Idempotent. */
  finish(status: Exclude<RunStatus, 'running'> = 'finished', error?: string): void {
    if (this.ended) return;
    this.ended = true;
    unwatchRun(this);
    this.ins.end.run(status, Date.now(), error ?? null, this.id);
  }

  /** Mark the run failed with the error's message. */
  fail(error: unknown): void {
    this.finish('failed', error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}
