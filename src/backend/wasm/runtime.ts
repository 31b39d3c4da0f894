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
 * Instantiation is synchronous so that backend() stays synchronous. Three builds exist (see the
 * "build" script in package.json): gradlab-mt-relaxed.wasm (shared memory + relaxed-SIMD FMA),
 * gradlab-mt.wasm (shared memory) and gradlab-st.wasm (plain memory, the fallback where
 * SharedArrayBuffer is unavailable).
 *
 * Where the module comes from: in Node the bytes are read synchronously from dist/wasm/ next to
 * this file (through process.getBuiltinModule, so that this file imports no Node built-in and
 * bundles for the browser). In a browser nothing can be read synchronously: `loadWasmModules()`
 * (called by `initWasm()` in the core entry) fetches and compiles the builds first, from a URL
 * (by default `../../../wasm/` relative to this module, which is where it lies in the package and
 * in `gradlab lab --build`; a bundler user passes the URL of the copied .wasm files). The kernels
 * and everything after the module is compiled are the same code in both places.
 */
import { Pool, type RangeFn } from './pool.js';
import { defaultThreads as envThreads } from '../threads.js';

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

/** The three builds, by role. */
export const WASM_FILES = { relaxed: 'gradlab-mt-relaxed.wasm', shared: 'gradlab-mt.wasm', single: 'gradlab-st.wasm' } as const;
export type WasmFile = (typeof WASM_FILES)[keyof typeof WASM_FILES];

/** Node's built-in modules without importing them (the core must bundle for the browser). */
interface NodeFs { readFileSync(p: URL): Uint8Array }
interface NodeOs { availableParallelism(): number }
interface NodeV8 { setFlagsFromString(flags: string): void }
type BuiltinGetter = (id: string) => unknown;
function nodeBuiltin<T>(id: string): T | null {
  const p = (globalThis as { process?: { getBuiltinModule?: BuiltinGetter } }).process;
  return typeof p?.getBuiltinModule === 'function' ? (p.getBuiltinModule(id) as T) : null;
}

/** Whether this is Node (where the builds are read from disk and threads are worker_threads). */
export function isNode(): boolean {
  return nodeBuiltin<NodeFs>('node:fs') !== null;
}

/** Modules compiled by loadWasmModules (the browser path; Node may use it too). */
const compiled = new Map<WasmFile, WebAssembly.Module>();

function wasmUrl(file: string, base?: string | URL): URL {
  return base !== undefined ? new URL(file, base) : new URL(`../../../wasm/${file}`, import.meta.url);
}

function moduleFor(file: WasmFile): WebAssembly.Module {
  const done = compiled.get(file);
  if (done) return done;
  const fs = nodeBuiltin<NodeFs>('node:fs');
  if (!fs) {
    throw new Error(`wasm backend: ${file} is not loaded; in a browser call 'await initWasm()' (from 'gradlab') before the first kernel, so the module is fetched and compiled`);
  }
  const url = wasmUrl(file);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(fs.readFileSync(url));
  } catch (e) {
    throw new Error(`wasm backend: cannot read ${url.pathname} (${(e as Error).message}); run 'npm run build' to compile assembly/`);
  }
  const m = new WebAssembly.Module(bytes);
  compiled.set(file, m);
  return m;
}

export interface LoadWasmOptions {
  /**
   * Where the .wasm files are: a directory URL ending in '/' (relative URLs resolve against the
   * page). Default: the package's own dist/wasm/, found relative to this module.
   */
  url?: string | URL;
  /** Builds to load; default: the ones this browser can run (shared memory only when isolated). */
  files?: readonly WasmFile[];
  /** The fetch to use (default globalThis.fetch). */
  fetch?: (url: URL) => Promise<Response>;
}

/**
 * Fetches and compiles the wasm builds this environment can use (asynchronously: browsers do not
 * allow compiling a large module synchronously on the main thread). Returns the files compiled.
 * A build that fails to compile (relaxed SIMD on an older browser) is left out, and the runtime
 * uses the next one.
 */
export async function loadWasmModules(opts: LoadWasmOptions = {}): Promise<WasmFile[]> {
  const files = opts.files ?? (sharedMemorySupported() ? [WASM_FILES.relaxed, WASM_FILES.shared] : [WASM_FILES.single]);
  const get = opts.fetch ?? ((u: URL) => fetch(u));
  const loaded: WasmFile[] = [];
  for (const file of files) {
    if (compiled.has(file)) {
      loaded.push(file);
      continue;
    }
    const url = wasmUrl(file, opts.url === undefined ? undefined : new URL(String(opts.url), (globalThis as { location?: { href: string } }).location?.href ?? import.meta.url));
    const res = await get(url);
    if (!res.ok) throw new Error(`wasm backend: fetching ${url.href} answered ${res.status} ${res.statusText}`);
    const bytes = await res.arrayBuffer();
    try {
      compiled.set(file, await WebAssembly.compile(bytes));
      loaded.push(file);
    } catch (e) {
      if (file !== WASM_FILES.relaxed) throw new Error(`wasm backend: ${url.href} does not compile here (${(e as Error).message})`);
    }
  }
  return loaded;
}

/** Defaults for runtimes created after this call (initWasm sets the browser's thread count). */
const defaults: { threads?: number } = {};
export function setWasmDefaults(d: { threads?: number }): void {
  if (d.threads !== undefined && (!Number.isInteger(d.threads) || d.threads < 1)) throw new Error(`wasm backend: threads must be a positive integer, got ${d.threads}`);
  defaults.threads = d.threads;
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

function defaultThreads(): number {
  if (defaults.threads !== undefined) return defaults.threads;
  return envThreads();
}

/** Pools still starting their workers (a browser starts a worker only once its creator yields). */
const starting = new Set<Promise<void>>();
/** Resolves when every thread of every runtime created so far is running. */
export async function wasmThreadsReady(): Promise<void> {
  await Promise.all([...starting]);
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
        nodeBuiltin<NodeV8>('node:v8')?.setFlagsFromString('--experimental-wasm-relaxed-simd');
        module = moduleFor(WASM_FILES.relaxed);
        relaxed = true;
      } catch {
        module = null;
      }
    }
    module ??= moduleFor(this.shared ? WASM_FILES.shared : WASM_FILES.single);
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
    if (this.pool) {
      const ready = this.pool.ready;
      starting.add(ready);
      void ready.finally(() => starting.delete(ready));
    }
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
