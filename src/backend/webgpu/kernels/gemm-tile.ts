/// <reference types="@webgpu/types" />
/**
 * A tiled GEMM in WGSL with pluggable addressing: C(b, m, n) = Σ_k A(b, m, k)·B(b, k, n), where
 * A, B and the store of C are WGSL functions supplied by the caller. The plain batched matrix
 * product of MatmulSpec (three transpose layouts) is one instance (gemmTile); the convolutions of
 * kernels/conv.ts are others (implicit GEMMs reading the unfolded input on the fly).
 *
 * Each workgroup of 16×16 invocations computes a 64×64 tile of C, 4×4 values per invocation,
 * staging 16-deep slices of A and B in workgroup memory. Out-of-range tile entries load as 0,
 * so any M, N, K works. With a long K and few tiles, K is split into S chunks whose partial
 * tiles go to a scratch buffer and a second pass adds them in chunk order (deterministic: no
 * atomics, the same order every run).
 *
 * Bindings: A (0, read), B (1, read), C (2, read_write), the uniform P (3) with fields
 * M, N, K, kChunk, batch and w0…w15 (u32 words free for the caller's addressing). storeC may
 * use only C and P (the split-K reduce pass binds no A, B).
 */
import type { MatmulSpec } from '../../backend.js';
import { type GpuRun, gridStride } from '../run.js';
import { storage, uniform } from './wgsl.js';

/** The caller's addressing: WGSL bodies of three functions, with the memory order of A and B. */
export interface GemmLayout {
  /** Body of `fn loadA(b: u32, m: u32, k: u32) -> f32` (called with m < M, k < K only). */
  loadA: string;
  /** Body of `fn loadB(b: u32, k: u32, n: u32) -> f32` (k < K, n < N only). */
  loadB: string;
  /** Body of `fn storeC(b: u32, m: u32, n: u32, v: f32)` writing C (binding `C`). */
  storeC: string;
  /** Helper WGSL functions the loads call (they may use A, B, P; left out of the split-K reduce pass). */
  helpers?: string;
  /** A's consecutive k are adjacent in memory (else consecutive m): picks the coalesced tile load. */
  aKFast: boolean;
  /** B's consecutive n are adjacent in memory (else consecutive k). */
  bNFast: boolean;
}

const WORDS = Array.from({ length: 16 }, (_, i) => [`w${i}`, 'u32'] as const);
const FIELDS = [['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['kChunk', 'u32'], ['batch', 'u32'], ...WORDS] as const;
const PARAMS = uniform(3, FIELDS);

function functions(l: GemmLayout, loads = true): string {
  return `${loads ? `${l.helpers ?? ''}
fn loadA(b: u32, m: u32, k: u32) -> f32 {
${l.loadA}
}
fn loadB(b: u32, k: u32, n: u32) -> f32 {
${l.loadB}
}` : ''}
fn storeC(b: u32, m: u32, n: u32, v: f32) {
${l.storeC}
}
`;
}

/**
 * The tile shader. With S = ⌈K / kChunk⌉ > 1 (a runtime word, so one compiled shader serves
 * both), the chunk s = wid.z % S covers k in [s·kChunk, (s+1)·kChunk) and the tile goes to the
 * scratch buffer bound as C, part[((b·S + s)·M + m)·N + n], instead of through storeC.
 */
function tileShader(l: GemmLayout): string {
  const aIdx = l.aKFast ? 'let am = idx / 16u; let ak = idx % 16u;' : 'let ak = idx / 64u; let am = idx % 64u;';
  const bIdx = l.bNFast ? 'let bk = idx / 64u; let bn = idx % 64u;' : 'let bn = idx / 16u; let bk = idx % 16u;';
  return `${storage(0, 'A')}${storage(1, 'B')}${storage(2, 'C', true)}${PARAMS}${functions(l)}
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;
fn put(bt: u32, S: u32, s: u32, m: u32, n: u32, v: f32) {
  if (m < P.M && n < P.N) {
    if (S > 1u) { C[((bt * S + s) * P.M + m) * P.N + n] = v; } else { storeC(bt, m, n, v); }
  }
}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let S = (P.K + P.kChunk - 1u) / P.kChunk;
  let nS = max(S, 1u);
  let bt = wid.z / nS;
  let s = wid.z % nS;
  let kBegin = s * P.kChunk;
  let kEnd = min(P.K, kBegin + P.kChunk);
  let m0 = wid.y * 64u;
  let n0 = wid.x * 64u;
  let tid = lid.y * 16u + lid.x;
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  for (var k0 = kBegin; k0 < kEnd; k0 = k0 + 16u) {
    for (var e = 0u; e < 4u; e = e + 1u) {
      let idx = tid + e * 256u;
      ${aIdx}
      var av = 0.0;
      if (m0 + am < P.M && k0 + ak < kEnd) { av = loadA(bt, m0 + am, k0 + ak); }
      As[ak * 64u + am] = av;
      ${bIdx}
      var bv = 0.0;
      if (k0 + bk < kEnd && n0 + bn < P.N) { bv = loadB(bt, k0 + bk, n0 + bn); }
      Bs[bk * 64u + bn] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk = kk + 1u) {
      let r = kk * 64u;
      let a = vec4<f32>(As[r + lid.y], As[r + lid.y + 16u], As[r + lid.y + 32u], As[r + lid.y + 48u]);
      let b = vec4<f32>(Bs[r + lid.x], Bs[r + lid.x + 16u], Bs[r + lid.x + 32u], Bs[r + lid.x + 48u]);
      c0 = c0 + a.x * b;
      c1 = c1 + a.y * b;
      c2 = c2 + a.z * b;
      c3 = c3 + a.w * b;
    }
    workgroupBarrier();
  }
  var rows = array<vec4<f32>, 4>(c0, c1, c2, c3);
  for (var i = 0u; i < 4u; i = i + 1u) {
    let m = m0 + lid.y + 16u * i;
    let cv = rows[i];
    put(bt, nS, s, m, n0 + lid.x, cv.x);
    put(bt, nS, s, m, n0 + lid.x + 16u, cv.y);
    put(bt, nS, s, m, n0 + lid.x + 32u, cv.z);
    put(bt, nS, s, m, n0 + lid.x + 48u, cv.w);
  }
}
`;
}

/**
 * Second pass of a split-K GEMM: C(b, m, n) = Σ_s part[b, s, m, n] in chunk order, through storeC
 * (bindings: part 0, C 1, P 2; loadA / loadB are left out, so A and B are not bound).
 */
function reduceShader(l: GemmLayout): string {
  return `${storage(0, 'part')}${storage(1, 'C', true)}${uniform(2, FIELDS)}${functions(l, false)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * ${gridStride}u;
  let mn = P.M * P.N;
  if (i >= P.batch * mn) { return; }
  let bt = i / mn;
  let r = i - bt * mn;
  let S = (P.K + P.kChunk - 1u) / P.kChunk;
  var v = 0.0;
  for (var s = 0u; s < S; s = s + 1u) { v = v + part[(bt * S + s) * mn + r]; }
  storeC(bt, r / P.N, r % P.N, v);
}
`;
}

/** Dimensions of one GEMM launch. */
export interface GemmDims {
  batch: number;
  m: number;
  n: number;
  k: number;
}

/** Number of K chunks: split a long K when the tiles alone would leave the device idle. */
function splitCount(d: GemmDims): number {
  const tiles = Math.ceil(d.m / 64) * Math.ceil(d.n / 64) * d.batch;
  if (d.k <= 1024 || tiles >= 64) return 1;
  return Math.max(1, Math.min(Math.ceil(d.k / 512), Math.floor(128 / tiles), 64));
}

/**
 * Records C = A·B with the caller's addressing over `dims`, `words` the caller's u32 words
 * (w0…, at most 16). C is written through storeC exactly once per (b, m, n), K = 0 included
 * (then with 0). The buffers a, b are bound as A and B; c as C.
 */
export function gemm(run: GpuRun, layout: GemmLayout, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, dims: GemmDims, words: readonly number[] = []): void {
  const { batch, m, n, k } = dims;
  if (batch <= 0 || m <= 0 || n <= 0) return;
  if (words.length > 16) throw new Error(`gemm: at most 16 addressing words, got ${words.length}`);
  if (batch > 65535) throw new Error(`gemm: batch ${batch} exceeds 65,535 (one grid dimension)`);
  const S = splitCount(dims);
  const kChunk = S === 1 ? Math.max(k, 1) : Math.ceil(k / S / 16) * 16;
  const S2 = Math.max(1, Math.ceil(k / kChunk));
  const params = [m, n, k, kChunk, batch, ...words, ...new Array<number>(16 - words.length).fill(0)].map((v) => ['u', v] as const);
  const grid: [number, number, number] = [Math.ceil(n / 64), Math.ceil(m / 64), batch * S2];
  if (grid[0] > 65535 || grid[1] > 65535) throw new Error(`gemm: ${m}×${n} needs ${grid[1]}×${grid[0]} tiles of 64, past the 65,535 workgroups of one grid dimension`);
  if (S2 === 1) {
    run.dispatch(tileShader(layout), [a, b, c], params, grid);
    return;
  }
  const part = run.temp(batch * S2 * m * n * 4);
  run.dispatch(tileShader(layout), [a, b, part], params, grid);
  const total = batch * m * n;
  const g = Math.ceil(total / 64);
  run.dispatch(reduceShader(layout), [part, c], params, g <= 65535 ? [g, 1] : [65535, Math.ceil(g / 65535)]);
}

/** The MatmulSpec layouts: A [m, k] (transA: stored [k, m]), B [k, n] (transB: [n, k]), C [m, n] per batch. */
function matmulLayout(transA: boolean, transB: boolean): GemmLayout {
  // w0 = strideA, w1 = strideB.
  return {
    loadA: transA ? '  return A[b * P.w0 + k * P.M + m];' : '  return A[b * P.w0 + m * P.K + k];',
    loadB: transB ? '  return B[b * P.w1 + n * P.K + k];' : '  return B[b * P.w1 + k * P.N + n];',
    storeC: '  C[(b * P.M + m) * P.N + n] = v;',
    aKFast: !transA,
    bNFast: !transB,
  };
}

/** out[b] = op(A[b])·op(B[b]) as MatmulSpec says (float32 buffers; out overwritten). */
export function gemmTile(run: GpuRun, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, spec: MatmulSpec): void {
  gemm(run, matmulLayout(spec.transA, spec.transB), a, b, out, { batch: spec.batch, m: spec.m, n: spec.n, k: spec.k }, [spec.strideA, spec.strideB]);
}
