/**
 * Synthetic benchmark data that Python reproduces bit for bit: mulberry32. Its state advances
 * by a constant, so output i depends only on seed + (i + 1)·0x6D2B79F5 and numpy computes all
 * of them at once (see torch_bench.py). Every system trains on the same numbers.
 */

/** Output i of mulberry32(seed), in [0, 1). */
export function mulberry32At(seed: number, i: number): number {
  let t = (seed + Math.imul(i + 1, 0x6d2b79f5)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function uniform(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = mulberry32At(seed, i);
  return a;
}

/** Integers in [0, k): floor(u·k). */
export function ints(n: number, k: number, seed: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.floor(mulberry32At(seed, i) * k);
  return a;
}

/** Seeds shared with torch_bench.py. */
export const SEEDS = { mlpX: 1, mlpY: 2, cnnX: 3, cnnY: 4, seqX: 5, seqY: 6, gemmA: 7, gemmB: 8 } as const;

export const MLP = { samples: 10000, inFeatures: 784, hidden: 100, classes: 10, batch: 300 } as const;
export const CNN = { batch: 64 } as const;
/**
 * GEMMs per W1 unit: small products run back to back, as a training loop calls them (a single
 * 0.4 ms product would otherwise time the threads waking up). bench/torch_bench.py mirrors it.
 */
export const GEMM_REPEATS: Readonly<Record<number, number>> = { 256: 8, 512: 2, 1024: 1 };
export const SEQ = { vocab: 20000, embed: 100, length: 200, transformerBatch: 16, lstmBatch: 64, hidden: 100, ffn: 500 } as const;
