/// <reference types="@webgpu/types" />
/**
 * Shared pieces of the fused WGSL kernels (backend/webgpu/kernels): binding declarations, the
 * folded 1-d grid, workgroup reductions and the numerically careful scalar helpers (σ, tanh,
 * NaN test) that every shader of the group uses the same way.
 */
import { type GpuRun, type ParamWord, gridStride, groups1d } from '../run.js';

/** `@group(0) @binding(i) var<storage, read> name: array<type>;` (or read_write). */
export function storage(binding: number, name: string, write = false, type = 'f32'): string {
  return `@group(0) @binding(${binding}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${type}>;\n`;
}

/** The uniform parameter struct bound at `binding`: fields `name: u32|i32|f32`, 4 bytes each. */
export function uniform(binding: number, fields: readonly (readonly [string, 'u32' | 'i32' | 'f32'])[]): string {
  const body = fields.map(([n, t]) => `  ${n}: ${t},`).join('\n');
  return `struct Params {\n${body}\n}\n@group(0) @binding(${binding}) var<uniform> P: Params;\n`;
}

/** Entry point over a folded 1-d grid of `count` items: the body sees `i: u32`, already bounds-checked. */
export function elementwiseMain(count: string, body: string): string {
  return `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ${gridStride}u;
  if (i >= ${count}) { return; }
${body}
}
`;
}

/** One workgroup (64 invocations) per row, rows folded past 65,535: the body sees `row` and `lid`. */
function rowMain(rows: string, body: string): string {
  return `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * 65535u;
  if (row >= ${rows}) { return; }
${body}
}
`;
}

/** The reductions of a one-invocation row: identities (no barrier, so any control flow may call them). */
const REDUCE1 = `
fn reduceSum(lid: u32, v: f32) -> f32 { return v; }
fn reduceMax(lid: u32, v: f32) -> f32 { return v; }
fn reduceSum2(lid: u32, v: vec2<f32>) -> vec2<f32> { return v; }
`;

/**
 * Which rows run one invocation per row (no workgroup barriers) rather than a workgroup of 64:
 * those of at most `smallRow` elements; null picks per device: 64 on a hardware GPU, 1024 on a
 * software one (SwiftShader, llvmpipe: there a workgroup barrier costs about as much as a thousand
 * elements of one invocation's loop; measured ~130 µs per 64-wide row vs ~70 ns per element).
 * Tests set it to exercise both layouts on any device.
 */
export const rowPolicy: { smallRow: number | null } = { smallRow: null };

const software = new WeakMap<GPUDevice, boolean>();
/** Whether the device is a CPU implementation of WebGPU (from its adapter info, where exposed). */
export function isSoftwareDevice(device: GPUDevice): boolean {
  let v = software.get(device);
  if (v === undefined) {
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const text = info ? `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase() : '';
    v = /swiftshader|llvmpipe|lavapipe|warp/.test(text);
    software.set(device, v);
  }
  return v;
}

/**
 * A kernel over rows whose body is written once for both layouts: `lanes` 64 is one workgroup
 * per row (lid 0…63, tree reductions), `lanes` 1 one invocation per row over the folded 1-d grid
 * (lid 0, identity reductions). The body sees `row`, `lid`, the constant `LANES` (its loop
 * step) and reduceSum / reduceMax / reduceSum2. Dispatch with dispatchRowsL.
 */
export function rowKernel(lanes: 1 | 64, rows: string, body: string): string {
  if (lanes === 64) return `const LANES: u32 = 64u;\n${REDUCE64}\n${rowMain(rows, body)}`;
  return `const LANES: u32 = 1u;\n${REDUCE1}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x + gid.y * ${gridStride}u;
  let lid = 0u;
  if (row >= ${rows}) { return; }
${body}
}
`;
}

/** The lanes of a row of n elements on the run's device (see rowKernel and rowPolicy). */
export function rowLanes(run: GpuRun, n: number): 1 | 64 {
  const limit = rowPolicy.smallRow ?? (isSoftwareDevice(run.device) ? 1024 : 64);
  return n <= limit ? 1 : 64;
}

/** Records a row kernel's dispatch: a workgroup per row (lanes 64) or an invocation per row (lanes 1). */
export function dispatchRowsL(run: GpuRun, lanes: 1 | 64, wgsl: string, buffers: readonly GPUBuffer[], params: readonly ParamWord[], rows: number): void {
  if (rows <= 0) return;
  run.dispatch(wgsl, buffers, params, lanes === 64 ? groups1d(rows, 1) : groups1d(rows));
}

/**
 * Tree reductions over the 64 invocations of a workgroup (deterministic: the same order every
 * run). Each returns the reduced value to every invocation; callers are in uniform control flow.
 */
const REDUCE64 = `
var<workgroup> red: array<f32, 64>;
var<workgroup> red2: array<vec2<f32>, 64>;
fn reduceSum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn reduceMax(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn reduceSum2(lid: u32, v: vec2<f32>) -> vec2<f32> {
  red2[lid] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (lid < s) { red2[lid] = red2[lid] + red2[lid + s]; }
    workgroupBarrier();
  }
  let r = red2[0];
  workgroupBarrier();
  return r;
}
`;

/**
 * Scalar helpers. The most negative finite f32 stands in for −∞ (WGSL has no infinite
 * literal): `x < NEG_MAX` is true only for −∞. σ is the stable two-branch form of the js
 * backend; tanh is clamped to ±15, beyond which tanh rounds to ±1 in f32 anyway (some drivers
 * compute tanh through exp and overflow to NaN there).
 */
export const SCALAR = `
const NEG_MAX: f32 = -0x1.fffffep+127f;
fn isNan(v: f32) -> bool {
  let b = bitcast<u32>(v);
  return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0u;
}
fn sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn tanhSafe(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}
`;

/** Records a 1-d elementwise dispatch over n items (nothing when n is 0). */
export function dispatch1d(run: GpuRun, wgsl: string, buffers: readonly GPUBuffer[], params: readonly ParamWord[], n: number): void {
  if (n <= 0) return;
  run.dispatch(wgsl, buffers, params, groups1d(n));
}

/** A float64 / float32 CPU array uploaded as f32 into a scratch buffer of the run (freed after flush). */
export function uploadF32(run: GpuRun, values: ArrayLike<number>): GPUBuffer {
  const data = Float32Array.from(values);
  const buf = run.temp(Math.max(16, data.byteLength));
  if (data.byteLength > 0) run.device.queue.writeBuffer(buf, 0, data);
  return buf;
}

export const u = (v: number): ParamWord => ['u', v];
export const i32 = (v: number): ParamWord => ['i', v];
export const f = (v: number): ParamWord => ['f', v];
