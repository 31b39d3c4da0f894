/**
 * The js data-movement kernels and the tuned host ones of backend/strided.ts (permute, sliceCopy, sliceAdd, gather, scatterAdd, indexSelect,
 * indexAdd) against per-element references written with plain index arithmetic: random ranks
 * 0–5, odd sizes, steps > 1, size-1 and empty dims, dims that coalesce and dims that do not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Data, Shape } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import * as strided from '../../src/backend/strided.js';

/** The plain reference (js) and the tuned host kernels (strided.ts) must both match the per-element references. */
const IMPLS = [{ label: 'js', be: jsBackend }, { label: 'strided', be: strided }] as const;
import { coalesce, sizeOf, stridesOf } from '../../src/backend/shape.js';
import { rng } from './wasm/util.js';

/** Multi-index of flat position i in a row-major array of `shape`. */
function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

function offsetOf(idx: readonly number[], shape: Shape): number {
  const st = stridesOf(shape);
  return idx.reduce((a, v, d) => a + v * st[d], 0);
}

function refSliceCopy(x: Data, shape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape): number[] {
  return Array.from({ length: sizeOf(outShape) }, (_, i) => x[offsetOf(unravel(i, outShape).map((v, d) => begin[d] + v * step[d]), shape)]);
}

function refSliceAdd(src: Data, srcShape: Shape, out: Data, outShape: Shape, begin: readonly number[], step: readonly number[]): number[] {
  const r = Array.from(out);
  for (let i = 0; i < src.length; i++) r[offsetOf(unravel(i, srcShape).map((v, d) => begin[d] + v * step[d]), outShape)] += src[i];
  return r;
}

type Kind = 'f32' | 'f64' | 'i32';
function data(kind: Kind, n: number, r: () => number): Data {
  const vals = Array.from({ length: n }, () => Math.round((r() * 2 - 1) * 1000) / 8);
  return kind === 'f32' ? Float32Array.from(vals) : kind === 'f64' ? Float64Array.from(vals) : Int32Array.from(vals, Math.round);
}
function alloc(kind: Kind, n: number): Data {
  return kind === 'f32' ? new Float32Array(n) : kind === 'f64' ? new Float64Array(n) : new Int32Array(n);
}
const KINDS: Kind[] = ['f32', 'f64', 'i32'];

interface SliceCase { shape: number[]; begin: number[]; step: number[]; outShape: number[] }

/** Random windows: rank 0–5, sizes 0–9 (one dim sometimes long), steps 1–3, partial extents. */
function randomSlices(count: number, seed: number): SliceCase[] {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const out: SliceCase[] = [];
  for (let c = 0; c < count; c++) {
    const rank = int(6);
    const shape = Array.from({ length: rank }, () => (r() < 0.1 ? 40 + int(30) : r() < 0.06 ? 0 : 1 + int(9)));
    const begin: number[] = [];
    const step: number[] = [];
    const outShape: number[] = [];
    for (const n of shape) {
      const b = n === 0 ? 0 : r() < 0.5 ? 0 : int(n);
      const s = r() < 0.5 ? 1 : 1 + int(3);
      const max = Math.max(0, Math.ceil((n - b) / s));
      begin.push(b);
      step.push(s);
      outShape.push(r() < 0.6 ? max : int(max + 1));
    }
    out.push({ shape, begin, step, outShape });
  }
  return out;
}

const FIXED: SliceCase[] = [
  // One time step of a [T, B, F] sequence: a single contiguous run.
  { shape: [20, 6, 40], begin: [7, 0, 0], step: [1, 1, 1], outShape: [1, 6, 40] },
  // One gate's columns of [B, 4H]: rows of H with a gap (does not coalesce).
  { shape: [5, 28], begin: [0, 14], step: [1, 1], outShape: [5, 7] },
  { shape: [1, 28], begin: [0, 21], step: [1, 1], outShape: [1, 7] },
  // Long strided innermost run, long contiguous run (typed-array set path), odd sizes.
  { shape: [3, 301], begin: [1, 2], step: [1, 3], outShape: [2, 100] },
  { shape: [3, 301], begin: [1, 2], step: [1, 1], outShape: [2, 299] },
  { shape: [2, 3, 4, 5, 6], begin: [1, 0, 1, 0, 2], step: [1, 2, 1, 2, 1], outShape: [1, 2, 3, 3, 4] },
  { shape: [2, 3, 4, 5, 6], begin: [0, 0, 0, 0, 0], step: [1, 1, 1, 1, 1], outShape: [2, 3, 4, 5, 6] },
  { shape: [2, 3, 4, 5, 6], begin: [0, 1, 0, 0, 0], step: [1, 1, 1, 1, 1], outShape: [2, 2, 4, 5, 6] },
  { shape: [40, 5], begin: [0, 0], step: [1, 1], outShape: [0, 5] },
  { shape: [0, 5], begin: [0, 0], step: [1, 1], outShape: [0, 5] },
  { shape: [], begin: [], step: [], outShape: [] },
  { shape: [1, 1, 1], begin: [0, 0, 0], step: [1, 1, 1], outShape: [1, 1, 1] },
  { shape: [13], begin: [12], step: [5], outShape: [1] },
];

for (const { label, be } of IMPLS) test(`${label}: sliceCopy matches the per-element reference on fixed and random windows`, () => {
  let seed = 1;
  for (const { shape, begin, step, outShape } of [...FIXED, ...randomSlices(300, 7)]) {
    for (const kind of KINDS) {
      const x = data(kind, sizeOf(shape), rng(seed++));
      const got = alloc(kind, sizeOf(outShape)).fill(-7);
      be.sliceCopy(x, shape, begin, step, got, outShape);
      assert.deepEqual(Array.from(got), refSliceCopy(x, shape, begin, step, outShape), `${kind} ${JSON.stringify({ shape, begin, step, outShape })}`);
    }
  }
});

for (const { label, be } of IMPLS) test(`${label}: sliceAdd accumulates into the window (and only there) like the reference`, () => {
  let seed = 1000;
  for (const { shape, begin, step, outShape } of [...FIXED, ...randomSlices(300, 8)]) {
    for (const kind of KINDS) {
      const r = rng(seed++);
      const src = data(kind, sizeOf(outShape), r);
      const out = data(kind, sizeOf(shape), r);
      const want = refSliceAdd(src, outShape, out, shape, begin, step);
      be.sliceAdd(src, outShape, out, shape, begin, step);
      assert.deepEqual(Array.from(out), want, `${kind} ${JSON.stringify({ shape, begin, step, outShape })}`);
    }
  }
});

for (const { label, be } of IMPLS) test(`${label}: permute matches the reference for every permutation up to rank 4 and some of rank 5`, () => {
  const perms = (n: number): number[][] => (n === 0 ? [[]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)])));
  const shapes: number[][] = [[], [7], [3, 5], [1, 9], [4, 1, 3], [2, 3, 5], [0, 3, 2], [3, 1, 4, 2], [2, 3, 4, 5], [65, 3], [2, 3, 1, 5, 4]];
  let seed = 2000;
  for (const shape of shapes) {
    const all = perms(shape.length);
    for (const perm of shape.length === 5 ? all.filter((_, i) => i % 7 === 0) : all) {
      for (const kind of KINDS) {
        const x = data(kind, sizeOf(shape), rng(seed++));
        const outShape = perm.map((p) => shape[p]);
        const got = alloc(kind, x.length).fill(-7);
        be.permute(x, shape, perm, got);
        const want = Array.from({ length: x.length }, (_, i) => {
          const oi = unravel(i, outShape);
          const si = new Array<number>(shape.length);
          perm.forEach((p, d) => { si[p] = oi[d]; });
          return x[offsetOf(si, shape)];
        });
        assert.deepEqual(Array.from(got), want, `${kind} ${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`);
      }
    }
  }
});

for (const { label, be } of IMPLS) test(`${label}: gather / scatterAdd match the reference along every axis, with partial index extents`, () => {
  const r = rng(3000);
  const int = (n: number): number => Math.floor(r() * n);
  const shapes: number[][] = [[7], [3, 5], [4, 1, 6], [2, 3, 4, 5], [2, 1, 3, 2, 3], [5, 0, 2], [70, 3]];
  for (const shape of shapes) {
    for (let axis = 0; axis < shape.length; axis++) {
      for (const kind of KINDS) {
        const indexShape = shape.map((s, d) => (s === 0 ? 0 : d === axis ? 1 + int(6) : 1 + int(s)));
        const index = Int32Array.from({ length: sizeOf(indexShape) }, () => int(Math.max(1, shape[axis])));
        const x = data(kind, sizeOf(shape), r);
        const got = alloc(kind, index.length).fill(-7);
        be.gather(x, shape, axis, index, indexShape, got);
        const pos = (i: number): number => {
          const idx = unravel(i, indexShape);
          idx[axis] = index[i];
          return offsetOf(idx, shape);
        };
        const what = `${kind} ${JSON.stringify(shape)} axis ${axis} index ${JSON.stringify(indexShape)}`;
        assert.deepEqual(Array.from(got), Array.from({ length: index.length }, (_, i) => x[pos(i)]), `gather ${what}`);
        const src = data(kind, index.length, r);
        const out = data(kind, x.length, r);
        const want = Array.from(out);
        for (let i = 0; i < index.length; i++) want[pos(i)] += src[i];
        be.scatterAdd(src, indexShape, axis, index, out, shape);
        assert.deepEqual(Array.from(out), want, `scatterAdd ${what}`);
      }
    }
  }
});

for (const { label, be } of IMPLS) test(`${label}: gather / scatterAdd reject an out-of-range index, naming it`, () => {
  const x = new Float32Array(6);
  assert.throws(() => be.gather(x, [2, 3], 1, Int32Array.from([0, 3]), [2, 1], new Float32Array(2)), /index 3 is out of range for dimension 1 of size 3/);
  assert.throws(() => be.scatterAdd(new Float32Array(2), [1, 2], 0, Int32Array.from([-1, 0]), x, [2, 3]), /index -1 is out of range for dimension 0 of size 2/);
});

for (const { label, be } of IMPLS) test(`${label}: indexSelect / indexAdd match the reference for short and long rows`, () => {
  const r = rng(4000);
  for (const [outer, size, inner] of [[1, 5, 1], [3, 4, 7], [2, 6, 100], [1, 0, 3], [0, 3, 2]]) {
    const index = Int32Array.from({ length: 5 }, () => Math.floor(r() * Math.max(size, 1)));
    const idx = size === 0 ? new Int32Array(0) : index;
    const x = data('f32', outer * size * inner, r);
    const got = new Float32Array(outer * idx.length * inner).fill(-7);
    be.indexSelect(x, outer, size, inner, idx, got);
    const want: number[] = [];
    for (let o = 0; o < outer; o++) for (const j of idx) for (let i = 0; i < inner; i++) want.push(x[(o * size + j) * inner + i]);
    assert.deepEqual(Array.from(got), want, `indexSelect ${outer}×${size}×${inner}`);
    const out = data('f64', x.length, r);
    const wantAdd = Array.from(out);
    let k = 0;
    for (let o = 0; o < outer; o++) for (const j of idx) for (let i = 0; i < inner; i++) wantAdd[(o * size + j) * inner + i] += got[k++];
    be.indexAdd(got, outer, size, inner, idx, out);
    assert.deepEqual(Array.from(out), wantAdd, `indexAdd ${outer}×${size}×${inner}`);
  }
});

test('coalesce merges what every operand walks contiguously and keeps the rest', () => {
  // A column window [5, 7] of a [5, 28] array: rows do not merge.
  assert.deepEqual(coalesce([5, 7], [stridesOf([5, 7]), [28, 1]]), { shape: [5, 7], strides: [[7, 1], [28, 1]] });
  // One time step [1, 6, 40] of [20, 6, 40]: one run of 240.
  assert.deepEqual(coalesce([1, 6, 40], [stridesOf([1, 6, 40]), [240, 40, 1]]), { shape: [240], strides: [[1], [1]] });
  // Steps: a stride-2 innermost dim merges with nothing; all size-1 dims vanish.
  assert.deepEqual(coalesce([3, 4], [stridesOf([3, 4]), [8, 2]]), { shape: [12], strides: [[1], [2]] });
  assert.deepEqual(coalesce([3, 4], [stridesOf([3, 4]), [9, 2]]), { shape: [3, 4], strides: [[4, 1], [9, 2]] });
  assert.deepEqual(coalesce([1, 1], [[1, 1], [5, 1]]), { shape: [], strides: [[], []] });
});
