/**
 * Packed, register-tiled single-precision GEMM: C = op(A) · op(B) for one matrix of a batch.
 *
 * Why this shape: measured in Node 20's V8 on this machine, a 4-row × 8-column micro-kernel
 * (eight f32x4 accumulators) is the largest tile whose inner loop stays in registers: V8 hoists
 * the loads of larger tiles (5×8, 6×8, 4×12) and spills accumulators, which halves the speed.
 * With relaxed-SIMD FMA (build gradlab-mt-relaxed.wasm) it reaches ~50 GFLOPS per core, with
 * mul + add ~33. A and B are first copied ("packed") into the order the micro-kernel reads
 * them, zero-padded to whole tiles: per k, one A load, two B loads, four splats, eight FMAs.
 *
 * Work is split in two phases so threads can share it (see src/backend/wasm/pool.ts):
 *   gemmPackB: panels [from, to) of B are packed (shared, read by every thread afterwards);
 *   gemmTiles: chunks [from, to) of C (row block × column-panel block) are computed, each
 *              thread packing the rows of A it needs into its own scratch area.
 * All sizes and pointers come in a parameter block (ints at `params`, see P_* below).
 */
import { pi } from './params';

export const MR: i32 = 4;
export const NR: i32 = 8;

// Integer parameter slots (i32, 4 bytes each) in the gemm parameter block.
const P_M = 0;
const P_K = 1;
const P_N = 2;
const P_RSA = 3; // A(i, p) = a[i * rsA + p * csA]
const P_CSA = 4;
const P_RSB = 5; // B(p, j) = b[p * rsB + j * csB]
const P_CSB = 6;
const P_A = 7;
const P_B = 8;
const P_C = 9;
const P_PACKB = 10;
const P_SCRATCH = 11; // scratch of thread t at scratch + t * scratchBytes
const P_SCRATCH_BYTES = 12;
const P_KC = 13;
const P_ROW_GRAIN = 14; // rows per chunk (multiple of MR)
const P_COL_GRAIN = 15; // column panels per chunk
const P_COL_BLOCKS = 16; // chunks along the columns
const P_STRIDE_A = 17; // gemmBatch: elements between consecutive A (and B) matrices
const P_STRIDE_B = 18;
const P_MC = 19; // gemmBatch: rows of A packed at a time (the packed-A scratch holds MC×KC)


/** One step of an accumulator: c + a·b, fused when the relaxed-SIMD build is compiled. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * The micro-kernel: a 4×8 tile of C (row stride ldc bytes) = or += Σ_p a[p][0..4] ⊗ b[p][0..8].
 * NOTE: A's four values of one k are loaded as one vector and splat with shuffles; loading
 * them with four load32_splat lets V8 hoist the loads and spill accumulators (half speed).
 */
function kernel4x8(a: usize, b: usize, c: usize, ldc: usize, kc: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const av = v128.load(a);
    let s = i32x4.shuffle(av, av, 0, 0, 0, 0);
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = i32x4.shuffle(av, av, 1, 1, 1, 1);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = i32x4.shuffle(av, av, 2, 2, 2, 2);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = i32x4.shuffle(av, av, 3, 3, 3, 3);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    a += 16;
    b += 32;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** Stores the 4×4 transpose of rows r0..r3: vector q (= column q of the rows) at dst + q·step. */
@inline function transpose4(dst: usize, r0: v128, r1: v128, r2: v128, r3: v128, step: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/** Packs rows [i0, i0+rows) × cols [pc, pc+kc) of A into 4-row panels, each laid out [kc][4]. */
function packA(params: usize, a: usize, dst: usize, i0: i32, rows: i32, pc: i32, kc: i32): void {
  const m = pi(params, P_M);
  const rsA = pi(params, P_RSA);
  const csA = pi(params, P_CSA);
  for (let ip = 0; ip < rows; ip += MR) {
    const i = i0 + ip;
    const valid = min(MR, m - i);
    if (valid == MR && rsA == 1) {
      // Aᵀ stored: the 4 rows of one k are contiguous.
      let src = a + ((<usize>i + <usize>pc * <usize>csA) << 2);
      const step = <usize>csA << 2;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += step;
        dst += 16;
      }
    } else if (valid == MR && csA == 1) {
      // A stored row-major: four rows, four k at a time, transposed in registers.
      const r0 = a + ((<usize>i * <usize>rsA + <usize>pc) << 2);
      const rs = <usize>rsA << 2;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        transpose4(dst, v128.load(r0 + o), v128.load(r0 + rs + o), v128.load(r0 + 2 * rs + o), v128.load(r0 + 3 * rs + o), 16);
        dst += 64;
      }
      for (; p < kc; p++) {
        const s = r0 + (<usize>p << 2);
        store<f32>(dst, load<f32>(s));
        store<f32>(dst, load<f32>(s + rs), 4);
        store<f32>(dst, load<f32>(s + 2 * rs), 8);
        store<f32>(dst, load<f32>(s + 3 * rs), 12);
        dst += 16;
      }
    } else if (valid == MR) {
      const r0 = a + ((<usize>i * <usize>rsA + <usize>pc * <usize>csA) << 2);
      const rs = <usize>rsA << 2;
      const cs = <usize>csA << 2;
      let off: usize = 0;
      for (let p = 0; p < kc; p++) {
        const s = r0 + off;
        store<f32>(dst, load<f32>(s));
        store<f32>(dst, load<f32>(s + rs), 4);
        store<f32>(dst, load<f32>(s + 2 * rs), 8);
        store<f32>(dst, load<f32>(s + 3 * rs), 12);
        off += cs;
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          const v: f32 = r < valid ? load<f32>(a + ((<usize>(i + r) * <usize>rsA + <usize>(pc + p) * <usize>csA) << 2)) : 0;
          store<f32>(dst + (<usize>r << 2), v);
        }
        dst += 16;
      }
    }
  }
}

/** Phase 1: packs column panels [from, to) of B for every k block, zero-padding the last panel. */
export function gemmPackB(from: i32, to: i32, tid: i32, params: usize): void {
  packB(params, <usize>pi(params, P_B), <usize>pi(params, P_PACKB), from, to);
}

function packB(params: usize, b: usize, packB: usize, from: i32, to: i32): void {
  const k = pi(params, P_K);
  const n = pi(params, P_N);
  const rsB = pi(params, P_RSB);
  const csB = pi(params, P_CSB);
  const KC = pi(params, P_KC);
  const npad = (n + NR - 1) / NR * NR;
  for (let jp = from; jp < to; jp++) {
    const j = jp * NR;
    const valid = min(NR, n - j);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      let dst = packB + ((<usize>pc * <usize>npad + <usize>jp * <usize>kc * NR) << 2);
      if (valid == NR && csB == 1) {
        let src = b + ((<usize>pc * <usize>rsB + <usize>j) << 2);
        const step = <usize>rsB << 2;
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += step;
          dst += 32;
        }
      } else if (valid == NR && rsB == 1) {
        // Bᵀ stored (B(p, j) = b[j·csB + p]): eight rows of Bᵀ, four k at a time, transposed
        // in registers into two 4×4 blocks of the panel.
        const r0 = b + ((<usize>j * <usize>csB + <usize>pc) << 2);
        const cs = <usize>csB << 2;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = r0 + (<usize>p << 2);
          transpose4(dst, v128.load(o), v128.load(o + cs), v128.load(o + 2 * cs), v128.load(o + 3 * cs), 32);
          transpose4(dst + 16, v128.load(o + 4 * cs), v128.load(o + 5 * cs), v128.load(o + 6 * cs), v128.load(o + 7 * cs), 32);
          dst += 128;
        }
        for (; p < kc; p++) {
          for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), load<f32>(r0 + <usize>c * cs + (<usize>p << 2)));
          dst += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const row = b + (<usize>(pc + p) * <usize>rsB << 2);
          for (let c = 0; c < NR; c++) {
            const v: f32 = c < valid ? load<f32>(row + (<usize>(j + c) * <usize>csB << 2)) : 0;
            store<f32>(dst + (<usize>c << 2), v);
          }
          dst += 32;
        }
      }
    }
  }
}

/** Phase 2: computes chunks [from, to) of C; chunk = (row block, column-panel block). */
export function gemmTiles(from: i32, to: i32, tid: i32, params: usize): void {
  const scratch = <usize>pi(params, P_SCRATCH) + <usize>tid * <usize>pi(params, P_SCRATCH_BYTES);
  tiles(params, <usize>pi(params, P_A), <usize>pi(params, P_C), <usize>pi(params, P_PACKB), scratch, from, to,
    pi(params, P_ROW_GRAIN), pi(params, P_COL_GRAIN), pi(params, P_COL_BLOCKS));
}

/**
 * Whole products of a batch, one per work item [from, to): each thread packs B into its own
 * scratch and computes every tile itself, so a batch of small products is one pool job
 * instead of two per product. Extra ints: strideA, strideB (elements between batches).
 */
export function gemmBatch(from: i32, to: i32, tid: i32, params: usize): void {
  const m = pi(params, P_M);
  const n = pi(params, P_N);
  const npanels = (n + NR - 1) / NR;
  const scratch = <usize>pi(params, P_SCRATCH) + <usize>tid * <usize>pi(params, P_SCRATCH_BYTES);
  const bpack = scratch + <usize>pi(params, P_MC) * <usize>pi(params, P_KC) * 4 + 256;
  const rowGrain = pi(params, P_MC);
  const rowChunks = (m + rowGrain - 1) / rowGrain;
  for (let bt = from; bt < to; bt++) {
    const a = <usize>pi(params, P_A) + ((<usize>bt * <usize>pi(params, P_STRIDE_A)) << 2);
    const b = <usize>pi(params, P_B) + ((<usize>bt * <usize>pi(params, P_STRIDE_B)) << 2);
    const c = <usize>pi(params, P_C) + ((<usize>bt * <usize>m * <usize>n) << 2);
    packB(params, b, bpack, 0, npanels);
    tiles(params, a, c, bpack, scratch, 0, rowChunks, rowGrain, npanels, 1);
  }
}

function tiles(params: usize, a: usize, c: usize, packB: usize, scratch: usize, from: i32, to: i32,
  rowGrain: i32, colGrain: i32, colBlocks: i32): void {
  const m = pi(params, P_M);
  const k = pi(params, P_K);
  const n = pi(params, P_N);
  const KC = pi(params, P_KC);
  const tile = scratch; // 4×8 floats for edge tiles
  const apack = scratch + 256;
  const npad = (n + NR - 1) / NR * NR;
  const npanels = npad / NR;
  const ldc = <usize>n << 2;
  for (let chunk = from; chunk < to; chunk++) {
    const rb = chunk / colBlocks;
    const cb = chunk % colBlocks;
    const i0 = rb * rowGrain;
    const rows = min(rowGrain, m - i0);
    const jp0 = cb * colGrain;
    const jp1 = min(npanels, jp0 + colGrain);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = pc > 0;
      packA(params, a, apack, i0, rows, pc, kc);
      for (let jp = jp0; jp < jp1; jp++) {
        const bp = packB + ((<usize>pc * <usize>npad + <usize>jp * <usize>kc * NR) << 2);
        const j = jp * NR;
        const nr = min(NR, n - j);
        for (let ip = 0; ip < rows; ip += MR) {
          const i = i0 + ip;
          const mr = min(MR, m - i);
          const ap = apack + (<usize>ip * <usize>kc << 2);
          const cp = c + ((<usize>i * <usize>n + <usize>j) << 2);
          if (mr == MR && nr == NR) {
            kernel4x8(ap, bp, cp, ldc, kc, acc);
          } else {
            if (acc) {
              for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) {
                store<f32>(tile + (<usize>(r * NR + q) << 2), load<f32>(cp + <usize>r * ldc + (<usize>q << 2)));
              }
            }
            kernel4x8(ap, bp, tile, NR * 4, kc, acc);
            for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) {
              store<f32>(cp + <usize>r * ldc + (<usize>q << 2), load<f32>(tile + (<usize>(r * NR + q) << 2)));
            }
          }
        }
      }
    }
  }
}
