/// <reference types="@webgpu/types" />
/**
 * What the primitive WGSL kernels share: the device-side array (a GPUBuffer with its element type
 * and length), the parameter block (a small read-only storage buffer of 32-bit words: sizes,
 * strides, bit-cast floats), and the index of the folded 1-d grid (run.ts, groups1d).
 */
import { type GpuRun, gridStride, groups1d } from '../run.js';

export type GType = 'f32' | 'i32';

/** A device array: the buffer, its element type and its length in elements. */
export interface GArr {
  readonly buf: GPUBuffer;
  readonly dtype: GType;
  readonly length: number;
}

/** The global index of a folded 1-d grid, as a WGSL expression over `gid`. */
export const GID = `(gid.x + gid.y * ${gridStride}u)`;

/** The header of a 1-d kernel over `n` items read from meta word `nWord`. */
export function main1d(body: string, nWord = 0): string {
  return `@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = ${GID};
  if (i >= u32(m[${nWord}])) { return; }
${body}
}`;
}

/** Declares the parameter block at `binding`. */
export function metaDecl(binding: number): string {
  return `@group(0) @binding(${binding}) var<storage, read> m: array<i32>;`;
}

const f32bits = new Float32Array(1);
const i32bits = new Int32Array(f32bits.buffer);
/** A float as the i32 word holding its float32 bits (read back with bitcast<f32>). */
export function fw(x: number): number {
  f32bits[0] = x;
  return i32bits[0];
}

/** A parameter buffer holding `words` (i32), destroyed after the next flush. */
export function meta(run: GpuRun, words: readonly number[]): GPUBuffer {
  const data = Int32Array.from(words.length ? words : [0]);
  const b = run.temp(data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
  run.device.queue.writeBuffer(b, 0, data);
  return b;
}

/** One dispatch over n items with buffers bound in order and the meta words bound last. */
export function launch(run: GpuRun, wgsl: string, buffers: readonly GPUBuffer[], words: readonly number[], n: number): void {
  if (n <= 0) return;
  run.dispatch(wgsl, [...buffers, meta(run, words)], null, groups1d(n));
}

/** WGSL storage declaration of array `name` of type t at binding b. */
export function arr(b: number, name: string, t: GType | 'u32', write = false): string {
  return `@group(0) @binding(${b}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${t}>;`;
}

/**
 * NaN / ±∞ helpers. The special values come from private variables so that they are not
 * constant expressions (WGSL rejects a constant NaN or infinity).
 */
export const isNanFn = `var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn isnan_(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_() -> f32 { return bitcast<f32>(INF_BITS); }`;

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

export const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

/**
 * WGSL that computes `off` (i32) for element index `idx` (u32) of a walk over `rank` dims whose
 * sizes are meta words [dimsAt, dimsAt+rank) and whose strides per operand k are meta words
 * [stridesAt[k], +rank). Emits `var offK: i32` for every operand.
 */
export function walkCode(idx: string, dimsAt: string, rank: string, stridesAt: readonly string[]): string {
  const decl = stridesAt.map((_, k) => `var off${k}: i32 = 0;`).join(' ');
  const adds = stridesAt.map((s, k) => `off${k} += c * m[${s} + d];`).join(' ');
  return `${decl}
  var rest: i32 = i32(${idx});
  for (var d: i32 = ${rank} - 1; d >= 0; d--) {
    let size = m[${dimsAt} + d];
    let c = rest % size;
    rest = rest / size;
    ${adds}
  }`;
}
