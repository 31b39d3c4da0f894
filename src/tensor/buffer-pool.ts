/**
 * Reuse of host arrays whose values are known to be dead, like PyTorch's caching allocator.
 *
 * Why: a JS library cannot free a typed array; it only drops it and waits for the collector. In
 * Node, glibc hands the freed memory back to the next array. In Chromium every new ArrayBuffer
 * comes from fresh zero pages: ~2 µs of kernel page-fault work per 4 KB on our 2-vCPU machine,
 * which was a third of an MLP epoch in a browser tab (W2: ~23,000 faults per epoch).
 *
 * Who may give an array back: only code that knows no one else can reach it. The autograd engine
 * does (autograd/engine.ts: gradients it created during backward() and has consumed), and a
 * backward rule may give back a temporary it made and did not return (`recycleTemp`). Tensors a
 * user can hold are never given back: anything assigned to a `.grad` is marked exposed and stays
 * out of the pool for good.
 *
 * `allocData` (tensor.ts) takes from here first; a reused array is zero-filled, so it reads as a
 * new one. The pool keeps at most POOL_BYTES; what does not fit is left to the collector.
 * `emptyCache()` drops everything pooled (like torch.cuda.empty_cache); `setBufferPool(false)`
 * turns the reuse off (like PYTORCH_NO_CUDA_MEMORY_CACHING): same values, more fresh memory.
 */
import type { DType, Data } from '../backend/backend.js';

/** The most bytes the pool holds at once. */
export const POOL_BYTES = 64 * 1024 * 1024;
/** The most arrays of one dtype and length kept. */
const PER_KEY = 64;

const free = new Map<string, Data[]>();
let enabled = true;
let pooledBytes = 0;
let reused = 0;
let allocated = 0;
let allocatedBytes = 0;
let recycled = 0;
/** Buffers handed to a user (a `.grad`) or to code the engine cannot see into: never reused. */
const exposed = new WeakSet<ArrayBufferLike>();
/** One set per backward() in progress: the buffers allocated since it started. */
const tracking: Set<ArrayBufferLike>[] = [];

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;
const CTOR: Record<DType, ArrayCtor> = { float32: Float32Array, float64: Float64Array, int32: Int32Array };

/** The pool key of an array type and length. */
function keyOf(ctor: ArrayCtor, n: number): string {
  return `${ctor.name}:${n}`;
}

/** A zero-filled array of n elements: a pooled one when one of that dtype and length is free. */
export function takeArray(dtype: DType, n: number): Data {
  const list = enabled && n > 0 ? free.get(keyOf(CTOR[dtype], n)) : undefined;
  let a: Data;
  if (list !== undefined && list.length > 0) {
    a = list.pop() as Data;
    pooledBytes -= a.byteLength;
    a.fill(0);
    reused++;
  } else {
    a = new CTOR[dtype](n);
    allocated++;
    allocatedBytes += a.byteLength;
  }
  for (const s of tracking) s.add(a.buffer);
  return a;
}

/** True when `a` is a whole ArrayBuffer of its own (not a view into a larger one, not shared). */
function ownsBuffer(a: Data): boolean {
  // NOTE: a page that is not cross-origin isolated has no SharedArrayBuffer at all.
  const shared = typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !shared && a.length > 0;
}

/**
 * Gives an array back. The caller guarantees that nothing will read or write it again. Views,
 * shared memory and exposed buffers are refused (false).
 */
export function recycleArray(a: Data): boolean {
  if (!enabled || !ownsBuffer(a) || exposed.has(a.buffer)) return false;
  if (pooledBytes + a.byteLength > POOL_BYTES) return false;
  const key = keyOf(a.constructor as ArrayCtor, a.length);
  let list = free.get(key);
  if (list === undefined) free.set(key, (list = []));
  if (list.length >= PER_KEY || list.includes(a)) return false;
  list.push(a);
  pooledBytes += a.byteLength;
  recycled++;
  return true;
}

/** Marks a buffer as reachable by code outside the engine: it will never be pooled. */
export function expose(buffer: ArrayBufferLike): void {
  exposed.add(buffer);
}

export function isExposed(buffer: ArrayBufferLike): boolean {
  return exposed.has(buffer);
}

/** Starts recording the buffers allocated from now on (one backward() call); stop with `untrack`. */
export function track(): Set<ArrayBufferLike> {
  const s = new Set<ArrayBufferLike>();
  tracking.push(s);
  return s;
}

/** True when the buffer was allocated during a backward() in progress. */
export function isTracked(buffer: ArrayBufferLike): boolean {
  for (const s of tracking) if (s.has(buffer)) return true;
  return false;
}

export function untrack(s: Set<ArrayBufferLike>): void {
  const i = tracking.lastIndexOf(s);
  if (i >= 0) tracking.splice(i, 1);
}

export interface PoolStats {
  /** Bytes held by the pool now. */
  pooledBytes: number;
  /** Arrays held by the pool now. */
  pooledArrays: number;
  /** New arrays allocated since the start (or the last resetPoolStats), and their bytes. */
  allocated: number;
  allocatedBytes: number;
  /** Arrays handed out again since the start (or the last resetPoolStats). */
  reused: number;
  /** Arrays taken back since the start (or the last resetPoolStats). */
  recycled: number;
}

export function poolStats(): PoolStats {
  let pooledArrays = 0;
  for (const l of free.values()) pooledArrays += l.length;
  return { pooledBytes, pooledArrays, allocated, allocatedBytes, reused, recycled };
}

export function resetPoolStats(): void {
  reused = 0;
  recycled = 0;
  allocated = 0;
  allocatedBytes = 0;
}

/** Drops every pooled array (the collector frees them), like torch.cuda.empty_cache(). */
export function emptyCache(): void {
  free.clear();
  pooledBytes = 0;
}

/** Turns array reuse on or off (on by default); off also empties the pool. Values do not change. */
export function setBufferPool(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setBufferPool: expected true or false, got ${String(on)}`);
  enabled = on;
  if (!on) emptyCache();
}
