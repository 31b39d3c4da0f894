/**
 * Loading the wasm kernels and the arena they work in.
 *
 * Memory model: tensors stay in JS typed arrays. A kernel call copies its inputs into the wasm
 * linear memory (an arena reset at the start of every call), runs, and copies the results out.
 * Nothing is ever owned by wasm between calls, so nothing can leak and nobody calls dispose;
 * the copies are O(n) against O(n³) for GEMM. The memory only grows to the largest single call
 * (wasm memory cannot shrink) and calls that would need more than MAX_ARENA_BYTES fall back
 * to the js kernels.
 *
 * Instantiation is synchronous (new WebAssembly.Module on bytes read with readFileSync) so that
 * backend() stays synchronous. Three builds exist (see the "build" script in package.json):
 * gradlab-mt-relaxed.wasm (shared memory + relaxed-SIMD FMA), gradlab-mt.wasm (shared memory)
 * and gradlab-st.wasm (plain memory, the fallback where SharedArrayBuffer is unavailable).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Pool, type RangeFn } from './pool.js';
import { defaultThreads } from '../threads.js';

/** Range kernels exported by assembly/index.ts, addressed by index in the pool. */
export const KERNELS = [
  'gemmPackB', 'gemmTiles', 'gemmBatch', 'unaryRange', 'binaryFlat', 'binaryRows', 'leakyReluRange', 'clampRange',
  'reduceRows', 'reduceCols', 'softmaxRows', 'softmaxCols', 'windowRange', 'sgdRange', 'adamRange', 'gatherRows',
  'maxPoolRange', 'maxPoolBackRange', 'avgPoolRange', 'avgPoolBackRange',
  'dropoutRange',
  'crossEntropyRows', 'crossEntropyBackRows', 'layerNormRows', 'layerNormBackRows', 'layerNormParamSum',
  'lstmCellRows', 'gruCellRows', 'lstmCellBackwardRows',
] as const;
export type KernelName = (typeof KERNELS)[number];

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB: pointers stay positive i32
export const MAX_ARENA_BYTES = MAX_PAGES * PAGE - 16 * PAGE;
const PARAM_BYTES = 256;

export interface WasmOptions {
  /** Threads including the caller; default GRADLAB_THREADS or os.availableParallelism(). */
  threads?: number;
  /** false forces the single-threaded build on a plain (non-shared) memory. */
  shared?: boolean;
  /** false skips the relaxed-SIMD (FMA) build. Default: GRADLAB_WASM_RELAXED !== '0'. */
  relaxed?: boolean;
  /**
   * Size limit of the arena in bytes (default: as much as fits under MAX_ARENA_BYTES): calls that
   * need more fall back to js (the multi-tensor optimizer steps split their list into batches
   * that fit). Small values are for tests.
   */
  arenaBytes?: number;
}

function wasmUrl(file: string): URL {
  return new URL(`../../../wasm/${file}`, import.meta.url);
}

function readWasm(file: string): Uint8Array<ArrayBuffer> {
  const url = wasmUrl(file);
  try {
    return new Uint8Array(readFileSync(url));
  } catch (e) {
    throw new Error(`wasm backend: cannot read ${url.pathname} (${(e as Error).message}); run 'npm run build' to compile assembly/`);
  }
}

/** Whether shared WebAssembly memory (and so a thread pool) is possible here. */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

export class Runtime {
  readonly memory: WebAssembly.Memory;
  readonly threads: number;
  readonly relaxed: boolean;
  readonly shared: boolean;
  private readonly fns: RangeFn[];
  private readonly pool: Pool | null;
  /** Parameter block: ints at params + 4·slot, floats (f64) at params + 128 + 8·slot. */
  readonly params: number;
  private readonly arenaStart: number;
  private readonly arenaEnd: number;
  private top: number;
  f32!: Float32Array;
  i32!: Int32Array;
  f64!: Float64Array;

  constructor(opts: WasmOptions = {}) {
    const wantThreads = opts.threads ?? defaultThreads();
    this.shared = (opts.shared ?? true) && sharedMemorySupported();
    const wantRelaxed = opts.relaxed ?? (typeof process === 'undefined' || process.env.GRADLAB_WASM_RELAXED !== '0');
    let module: WebAssembly.Module | null = null;
    let relaxed = false;
    if (this.shared && wantRelaxed) {
      try {
        // NOTE: Node 20 ships relaxed SIMD behind a flag; it must be set before compiling
        // (NODE_OPTIONS rejects it). Newer Nodes accept the module without it.
        setFlagsFromString('--experimental-wasm-relaxed-simd');
        module = new WebAssembly.Module(readWasm('gradlab-mt-relaxed.wasm'));
        relaxed = true;
      } catch {
        module = null;
      }
    }
    module ??= new WebAssembly.Module(readWasm(this.shared ? 'gradlab-mt.wasm' : 'gradlab-st.wasm'));
    this.relaxed = relaxed;
    this.memory = new WebAssembly.Memory(this.shared
      ? { initial: 64, maximum: MAX_PAGES, shared: true }
      : { initial: 64, maximum: MAX_PAGES });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    const exports = instance.exports as Record<string, unknown>;
    this.fns = KERNELS.map((k) => {
      const f = exports[k];
      if (typeof f !== 'function') throw new Error(`wasm backend: the module does not export kernel '${k}'`);
      return f as RangeFn;
    });
    const heapBase = (exports.heapBase as () => number)();
    this.params = align(heapBase, 64);
    this.arenaStart = this.params + PARAM_BYTES;
    this.top = this.arenaStart;
    this.arenaEnd = Math.min(MAX_ARENA_BYTES, this.arenaStart + (opts.arenaBytes ?? MAX_ARENA_BYTES));
    this.refreshViews();
    this.threads = this.shared ? Math.max(1, wantThreads) : 1;
    this.pool = this.threads > 1 ? new Pool(module, this.memory, this.threads, this.fns, KERNELS) : null;
  }

  private refreshViews(): void {
    const buf = this.memory.buffer;
    this.f32 = new Float32Array(buf);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /** Starts a kernel call: everything allocated by the previous call is free again. */
  reset(): void {
    this.top = this.arenaStart;
  }

  /** Whether `floats` more floats (plus padding) fit under the arena limit. */
  fits(floats: number): boolean {
    return this.top + floats * 4 + 64 <= this.arenaEnd;
  }

  /** How many floats fit from the current top under the arena limit (the same margin as fits). */
  room(): number {
    return Math.max(0, Math.floor((this.arenaEnd - this.top - 64) / 4));
  }

  /** Allocates room for n floats, 64-byte aligned and padded to whole vectors; returns a byte address. */
  alloc(n: number): number {
    const p = this.top;
    this.top = align(p + Math.max(n, 1) * 4, 64);
    if (this.top > this.arenaEnd) throw new RangeError(`wasm backend: arena would exceed ${this.arenaEnd} bytes (asked for ${n} floats)`);
    if (this.top > this.memory.buffer.byteLength) {
      const pages = Math.ceil((this.top - this.memory.buffer.byteLength) / PAGE);
      this.memory.grow(pages);
      this.refreshViews();
    }
    return p;
  }

  /** Allocates and copies the first `n` values of `src` in. */
  put(src: Float32Array, n = src.length): number {
    const p = this.alloc(n);
    this.f32.set(n === src.length ? src : src.subarray(0, n), p >>> 2);
    return p;
  }

  /** Allocates and copies the first `n` int32 values of `src` in. */
  putInts(src: Int32Array, n = src.length): number {
    const p = this.alloc(n);
    this.i32.set(n === src.length ? src : src.subarray(0, n), p >>> 2);
    return p;
  }

  /** Copies n floats at byte address p into dst. */
  get(p: number, dst: Float32Array, n = dst.length): void {
    const o = p >>> 2;
    dst.set(this.f32.subarray(o, o + n));
  }

  ints(...values: number[]): void {
    const o = this.params >>> 2;
    for (let i = 0; i < values.length; i++) this.i32[o + i] = values[i];
  }

  floats(...values: number[]): void {
    const o = (this.params + 128) >>> 3;
    for (let i = 0; i < values.length; i++) this.f64[o + i] = values[i];
  }

  /** Runs a range kernel over [0, total) in chunks of grain (on all threads when it pays). */
  run(kernel: KernelName, total: number, grain: number): void {
    const kind = KERNELS.indexOf(kernel);
    if (this.pool) this.pool.run(kind, total, grain, this.params);
    else {
      const fn = this.fns[kind];
      for (let from = 0; from < total; from += grain) fn(from, Math.min(total, from + grain), 0, this.params);
    }
  }

  /**
   * Grain for a flat element range: whole multiples of `align` elements, at least minGrain,
   * about two chunks per thread for balance.
   */
  grain(total: number, minGrain: number, alignTo = 16): number {
    const per = Math.ceil(total / (this.threads * 2));
    return alignUp(Math.max(minGrain, per), alignTo);
  }
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

export function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
