/**
 * Lay several small images out as one grid image (digit grids, originals above their
 * reconstructions), ready for `run.logImage`. Images are given as one flat array of n images
 * of height×width×channels each, row-major, in the order they fill the grid row by row.
 */
import type { PngInput } from './png.js';

export interface GridOptions {
  height: number;
  width: number;
  channels?: 1 | 3 | 4;
  /** Images per row; default ceil(sqrt(n)). */
  cols?: number;
  /** Pixels between images; default 1. */
  pad?: number;
  /** Value of the padding and of empty cells; default 1 (white) for floats, 255 for bytes. */
  background?: number;
}

export function imageGrid(images: ArrayLike<number>, opts: GridOptions): PngInput & { data: Float32Array } {
  const { height: h, width: w } = opts;
  const c = opts.channels ?? 1;
  const per = h * w * c;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) throw new RangeError(`imageGrid: height and width must be integers ≥ 1, got ${h}×${w}`);
  if (images.length === 0 || images.length % per !== 0) {
    throw new RangeError(`imageGrid: ${images.length} values is not a whole number of ${h}×${w}×${c} images (${per} values each)`);
  }
  const n = images.length / per;
  const cols = opts.cols ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(cols) || cols < 1) throw new RangeError(`imageGrid: cols must be an integer ≥ 1, got ${cols}`);
  const rows = Math.ceil(n / cols);
  const pad = opts.pad ?? 1;
  const bytes = images instanceof Uint8Array || images instanceof Uint8ClampedArray;
  const bg = opts.background ?? 1;
  const W = cols * w + (cols + 1) * pad;
  const H = rows * h + (rows + 1) * pad;
  const out = new Float32Array(W * H * c).fill(bg);
  for (let k = 0; k < n; k++) {
    const x0 = pad + (k % cols) * (w + pad);
    const y0 = pad + Math.floor(k / cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w * c; x++) {
        const v = images[k * per + y * w * c + x]!;
        out[((y0 + y) * W + x0) * c + x] = bytes ? v / 255 : v;
      }
    }
  }
  return { width: W, height: H, channels: c, data: out };
}
