/**
 * Batched GEMM on the wasm kernels (assembly/gemm.ts): copies A and B in, packs B once per
 * batch (threads share the panels), then splits C into row blocks (and column blocks when there
 * are too few rows for the threads) that each thread computes with its own packed A. A batch of
 * at least two products per thread is instead one pool job of whole products (gemmBatch).
 * float64 inputs (the gradient checker) and tiny products go to the js reference kernel.
 */
import type { FloatData, MatmulSpec } from '../backend.js';
import { matmul as jsMatmul } from '../js/matmul.js';
import type { Runtime } from './runtime.js';

const MR = 4;
const NR = 8;
/** k block: a 4×KC A panel and a KC×8 B panel stay in L1. */
const KC = 256;
/** Most rows per chunk: a packed MC×KC block of A stays in L2. */
const MC = 128;
/** Below this m·n·k the js kernel is as fast as copying in and out. */
const SMALL = 2048;
/** Below this m·n·k one thread does the whole product (waking threads costs more). */
const PARALLEL = 24 * 24 * 24;
const SCRATCH_BYTES = 256 + MC * KC * 4;
/** Largest packed B (floats) a thread keeps for itself in the one-job batched path. */
const BATCH_PACK_FLOATS = 1 << 20;

export function matmul(rt: Runtime, a: FloatData, b: FloatData, out: FloatData, s: MatmulSpec): void {
  const { batch, m, k, n, strideA, strideB } = s;
  if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) || m * n * k < SMALL) {
    jsMatmul(a, b, out, s);
    return;
  }
  if (batch * m * n === 0) return;
  const aLen = (batch - 1) * strideA + m * k;
  const bLen = (batch - 1) * strideB + k * n;
  rt.reset();
  if (!rt.fits(aLen + bLen + batch * m * n + gemmScratchFloats(rt, s))) {
    jsMatmul(a, b, out, s);
    return;
  }
  const pa = rt.put(a, aLen);
  const pb = rt.put(b, bLen);
  const pc = rt.alloc(batch * m * n);
  gemmInArena(rt, pa, pb, pc, s);
  rt.get(pc, out, batch * m * n);
}

/** Arena floats gemmInArena allocates for packing and per-thread scratch (an upper bound). */
export function gemmScratchFloats(rt: Runtime, s: MatmulSpec): number {
  const bPack = s.k * Math.ceil(s.n / NR) * NR;
  return bPack + (rt.threads * (SCRATCH_BYTES + bPack * 4)) / 4 + 128;
}

/**
 * C = op(A)·op(B) on operands already in the arena (byte addresses pa, pb; C at pc, batch·m·n
 * floats). Allocates its packing and scratch space above the current arena top.
 */
export function gemmInArena(rt: Runtime, pa: number, pb: number, pc: number, s: MatmulSpec): void {
  const { batch, m, k, n, transA, transB, strideA, strideB } = s;
  if (batch * m * n === 0) return;
  if (k === 0) {
    rt.f32.fill(0, pc >>> 2, (pc >>> 2) + batch * m * n);
    return;
  }
  const npanels = Math.ceil(n / NR);
  const threads = m * n * k < PARALLEL ? 1 : rt.threads;
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  const bPackFloats = k * npanels * NR;
  if (batch > 1 && batch >= 2 * rt.threads && bPackFloats <= BATCH_PACK_FLOATS) {
    // Many products: one pool job, a whole product per work item (each thread packs its own B).
    const scratchBytes = alignUp(SCRATCH_BYTES + bPackFloats * 4, 64);
    const scratch = rt.alloc((rt.threads * scratchBytes) / 4);
    rt.ints(m, k, n, rsA, csA, rsB, csB, pa, pb, pc, 0, scratch, scratchBytes, KC, 0, 0, 0, strideA, strideB, MC);
    rt.run('gemmBatch', batch, 1);
    return;
  }
  const pack = rt.alloc(bPackFloats);
  const scratch = rt.alloc((rt.threads * SCRATCH_BYTES) / 4);

  // Chunking: about two chunks per thread. Row blocks are as tall as the packed-A block allows
  // (every row block streams all of packed B from memory once per k block, so short blocks
  // multiply that traffic: for a 64-row product, 16-row blocks ran at 2/3 of the speed); the
  // columns are split when the rows give too few chunks.
  const want = threads === 1 ? 1 : threads * 2;
  const rowGrain = Math.min(MC, alignUp(m, MR));
  const rowChunks = Math.ceil(m / rowGrain);
  let colBlocks = rowChunks >= want ? 1 : Math.min(npanels, Math.ceil(want / rowChunks));
  const colGrain = Math.ceil(npanels / colBlocks);
  colBlocks = Math.ceil(npanels / colGrain);
  const packGrain = threads === 1 ? npanels : Math.max(1, Math.ceil(npanels / want));

  for (let bt = 0; bt < batch; bt++) {
    rt.ints(m, k, n, rsA, csA, rsB, csB, pa + bt * strideA * 4, pb + bt * strideB * 4, pc + bt * m * n * 4,
      pack, scratch, SCRATCH_BYTES, KC, rowGrain, colGrain, colBlocks);
    if (threads === 1) {
      rt.run('gemmPackB', npanels, npanels);
      rt.run('gemmTiles', rowChunks * colBlocks, rowChunks * colBlocks);
    } else {
      rt.run('gemmPackB', npanels, packGrain);
      rt.run('gemmTiles', rowChunks * colBlocks, 1);
    }
  }
}

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
