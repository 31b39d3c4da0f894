/// <reference types="@webgpu/types" />
/**
 * Reductions in WGSL: sum / max / min / prod over any set of axes, and argmax / argmin along one.
 * The kept dims are walked per output; the reduced dims per element of the reduced block. With
 * 64 or more reduced elements per output, one workgroup of 64 threads shares an output (strided
 * partial results, then a tree in workgroup memory); otherwise one thread per output. The
 * accumulation order is fixed by the shape, so results are reproducible run to run.
 */
import type { ReduceOp } from '../../backend.js';
import { coalesce } from '../../shape.js';
import { type GpuRun, groups1d } from '../run.js';
import { type GArr, GID, arr, isNanFn, launch, main1d, meta, metaDecl, strides } from './common.js';

const INIT: Record<ReduceOp, string> = { sum: '0.0', prod: '1.0', max: '-inf_()', min: 'inf_()' };
const INIT_I: Record<ReduceOp, string> = { sum: '0', prod: '1', max: '-2147483647 - 1', min: '2147483647' };

function combine(op: ReduceOp, t: 'f32' | 'i32'): string {
  const nan = t === 'f32';
  if (op === 'sum') return 'acc + v';
  if (op === 'prod') return 'acc * v';
  if (op === 'max') return nan ? 'select(acc, v, v > acc || isnan_(v))' : 'max(acc, v)';
  return nan ? 'select(acc, v, v < acc || isnan_(v))' : 'min(acc, v)';
}

export function reduce(run: GpuRun, op: ReduceOp, x: GArr, shape: readonly number[], axes: readonly number[], out: GArr): void {
  const nOut = out.length;
  if (nOut === 0) return;
  const st = strides(shape);
  const keptDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const redDims = shape.map((_, d) => d).filter((d) => axes.includes(d));
  const kept = coalesce(keptDims.map((d) => shape[d]), [keptDims.map((d) => st[d])]);
  const red = coalesce(redDims.map((d) => shape[d]), [redDims.map((d) => st[d])]);
  const count = red.shape.reduce((a, b) => a * b, 1) * (redDims.some((d) => shape[d] === 0) ? 0 : 1);
  const kr = kept.shape.length;
  const rr = red.shape.length;
  // words: [nOut, count, kr, rr, keptDims…, keptStrides…, redDims…, redStrides…]
  const words = [nOut, count, kr, rr, ...kept.shape, ...kept.strides[0], ...red.shape, ...red.strides[0]];
  const t = x.dtype;
  const init = t === 'f32' ? INIT[op] : INIT_I[op];
  const kd = 4;
  const ks = 4 + kr;
  const rd = 4 + 2 * kr;
  const rs = 4 + 2 * kr + rr;
  const baseCode = `var base: i32 = 0;
  var rest: i32 = i32(o);
  for (var d: i32 = ${kr} - 1; d >= 0; d--) { let s = m[${kd} + d]; base += (rest % s) * m[${ks} + d]; rest = rest / s; }`;
  const offCode = `var off: i32 = base;
    var r2: i32 = i32(j);
    for (var d: i32 = ${rr} - 1; d >= 0; d--) { let s = m[${rd} + d]; off += (r2 % s) * m[${rs} + d]; r2 = r2 / s; }`;
  const head = `${arr(0, 'x', t)} ${arr(1, 'out', out.dtype, true)} ${metaDecl(2)} ${isNanFn}
fn comb(acc: ${t}, v: ${t}) -> ${t} { return ${combine(op, t)}; }`;
  if (count < 64) {
    const wgsl = `${head}
${main1d(`  let o = i;
  ${baseCode}
  var acc: ${t} = ${init};
  for (var j: u32 = 0u; j < u32(m[1]); j++) {
    ${offCode}
    acc = comb(acc, x[off]);
  }
  out[o] = ${out.dtype}(acc);`)}`;
    launch(run, wgsl, [x.buf, out.buf], words, nOut);
    return;
  }
  const wgsl = `${head}
var<workgroup> part: array<${t}, 64>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let o = wid.x + wid.y * 65535u;
  let live = o < u32(m[0]);
  var acc: ${t} = ${init};
  if (live) {
    ${baseCode}
    for (var j: u32 = li; j < u32(m[1]); j += 64u) {
      ${offCode}
      acc = comb(acc, x[off]);
    }
  }
  part[li] = acc;
  workgroupBarrier();
  for (var s: u32 = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { part[li] = comb(part[li], part[li + s]); }
    workgroupBarrier();
  }
  if (live && li == 0u) { out[o] = ${out.dtype}(part[0]); }
}`;
  run.dispatch(wgsl, [x.buf, out.buf, meta(run, words)], null, groups1d(nOut, 1));
}

export function argReduce(run: GpuRun, op: 'argmax' | 'argmin', x: GArr, shape: readonly number[], axis: number, out: GArr): void {
  const n = shape[axis] ?? 1;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const cmp = op === 'argmax' ? '>' : '<';
  const nan = x.dtype === 'f32' ? 'isnan_(f32(v))' : 'false';
  const wgsl = `${arr(0, 'x', x.dtype)} ${arr(1, 'o', 'i32', true)} ${metaDecl(2)} ${isNanFn}
${main1d(`  let n = m[1]; let inner = m[2];
  let oo = i32(i) / inner; let ii = i32(i) % inner;
  let base = oo * n * inner + ii;
  var best = x[base]; var bi: i32 = 0;
  for (var j: i32 = 1; j < n; j++) {
    if (${nan.replace('v', 'best')}) { break; }
    let v = x[base + j * inner];
    if (v ${cmp} best || ${nan}) { best = v; bi = j; }
  }
  o[i] = bi;`)}`;
  if (n === 0) return;
  launch(run, wgsl, [x.buf, out.buf], [outer * inner, n, inner], outer * inner);
}

export { GID };
