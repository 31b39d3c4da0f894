/// <reference types="@webgpu/types" />
/**
 * Tiled GEMM in WGSL: out[b] = op(A[b])·op(B[b]) for the three layouts backward needs (and the
 * fourth), batched through the z grid with per-operand batch strides (0 = one matrix shared by
 * every batch). Workgroups of 16×16 threads compute a 64×64 tile, 4×4 per thread, over K in steps
 * of 16 staged in workgroup memory; loads are arranged so that neighbouring threads read
 * neighbouring addresses in every layout. The sum over K runs in order, so results do not depend
 * on the grid.
 */
import type { MatmulSpec } from '../../backend.js';
import type { GpuRun } from '../run.js';
import { type GArr, arr, meta, metaDecl } from './common.js';

const TILE = 64;

function shader(transA: boolean, transB: boolean): string {
  // A(i, p): transA → a[offA + p·M + i] else a[offA + i·K + p]; B(p, j): transB → b[offB + j·K + p] else b[offB + p·N + j].
  const loadA = transA
    ? `let i = e % 64; let kk = e / 64; let gi = m0 + i; let gk = k0 + kk;
       var v = 0.0; if (gi < M && gk < K) { v = a[offA + gk * M + gi]; } As[kk * 64 + i] = v;`
    : `let kk = e % 16; let i = e / 16; let gi = m0 + i; let gk = k0 + kk;
       var v = 0.0; if (gi < M && gk < K) { v = a[offA + gi * K + gk]; } As[kk * 64 + i] = v;`;
  const loadB = transB
    ? `let kk = e % 16; let j = e / 16; let gj = n0 + j; let gk = k0 + kk;
       var v = 0.0; if (gj < N && gk < K) { v = b[offB + gj * K + gk]; } Bs[kk * 64 + j] = v;`
    : `let j = e % 64; let kk = e / 64; let gj = n0 + j; let gk = k0 + kk;
       var v = 0.0; if (gj < N && gk < K) { v = b[offB + gk * N + gj]; } Bs[kk * 64 + j] = v;`;
  return `${arr(0, 'a', 'f32')} ${arr(1, 'b', 'f32')} ${arr(2, 'c', 'f32', true)} ${metaDecl(3)}
var<workgroup> As: array<f32, 1024>;
fn store(offC: i32, N: i32, M: i32, gi: i32, gj: i32, v: f32) { if (gi < M && gj < N) { c[offC + gi * N + gj] = v; } }
var<workgroup> Bs: array<f32, 1024>;
@compute @workgroup_size(16, 16) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = m[0]; let K = m[1]; let N = m[2];
  let bz = i32(wid.z) + m[5];
  let offA = bz * m[3]; let offB = bz * m[4]; let offC = bz * M * N;
  let m0 = i32(wid.y) * 64; let n0 = i32(wid.x) * 64;
  let lx = i32(lid.x); let ly = i32(lid.y);
  let tid = ly * 16 + lx;
  ${Array.from({ length: 16 }, (_, q) => `var c${q}: f32 = 0.0;`).join(' ')}
  for (var k0: i32 = 0; k0 < K; k0 += 16) {
    for (var q: i32 = 0; q < 4; q++) { let e = tid + q * 256; ${loadA} }
    for (var q: i32 = 0; q < 4; q++) { let e = tid + q * 256; ${loadB} }
    workgroupBarrier();
    for (var kk: i32 = 0; kk < 16; kk++) {
      let a0 = As[kk * 64 + ly]; let a1 = As[kk * 64 + ly + 16]; let a2 = As[kk * 64 + ly + 32]; let a3 = As[kk * 64 + ly + 48];
      let b0 = Bs[kk * 64 + lx]; let b1 = Bs[kk * 64 + lx + 16]; let b2 = Bs[kk * 64 + lx + 32]; let b3 = Bs[kk * 64 + lx + 48];
      ${Array.from({ length: 16 }, (_, q) => `c${q} += a${q >> 2} * b${q & 3};`).join(' ')}
    }
    workgroupBarrier();
  }
  ${Array.from({ length: 16 }, (_, q) => `store(offC, N, M, m0 + ly + ${16 * (q >> 2)}, n0 + lx + ${16 * (q & 3)}, c${q});`).join('\n  ')}
}`;
}

const shaders = new Map<string, string>();

export function matmul(run: GpuRun, a: GArr, b: GArr, out: GArr, s: MatmulSpec): void {
  if (s.batch * s.m * s.n === 0) return;
  const key = `${s.transA ? 1 : 0}${s.transB ? 1 : 0}`;
  let wgsl = shaders.get(key);
  if (!wgsl) shaders.set(key, (wgsl = shader(s.transA, s.transB)));
  const gx = Math.ceil(s.n / TILE);
  const gy = Math.ceil(s.m / TILE);
  for (let b0 = 0; b0 < s.batch; b0 += 65535) {
    const nb = Math.min(65535, s.batch - b0);
    const words = [s.m, s.k, s.n, s.strideA, s.strideB, b0];
    run.dispatch(wgsl, [a.buf, b.buf, out.buf, meta(run, words)], null, [gx, gy, nb]);
  }
}
