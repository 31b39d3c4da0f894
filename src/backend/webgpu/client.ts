/**
 * The calling side of the webgpu backend: a Backend whose arrays are device handles (GpuArray),
 * whose kernels are commands sent to the device side (device.ts) through a Link, and whose reads
 * come back synchronously (a worker and Atomics.wait: Node, or a browser Worker) or only
 * asynchronously (direct mode on a page's main thread, where waiting is forbidden).
 *
 * - Tensors keep their values in device buffers between kernels; `Tensor.data` reads them back
 *   (GpuArray.read) and the next kernel that reads a tensor whose host copy was handed out uploads
 *   it again. Host typed arrays passed to a kernel are uploaded for that call; those it writes are
 *   read back into (correct everywhere, fast where the call sites pass handles).
 * - Buffers are freed when their handle is garbage-collected (a FinalizationRegistry sends the ids
 *   to the device with the next commands): no dispose() in user code. The callbacks run when the
 *   event loop turns (the fit loop yields regularly).
 * - float64 has no WebGPU type: a kernel call with float64 arrays runs on the js reference
 *   backend instead (said once), so the gradient checker keeps working on this backend.
 */
import type { Backend, DType, Data, DeviceArray, DeviceHooks, Primitives } from '../backend.js';
import { FUSED_KERNELS } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { type Command, OUTPUTS, type Token, type ViewToken } from './protocol.js';
import { indexCsr } from './kernels/layout.js';

/** The named error of the webgpu backend (device errors, reads that cannot wait here). */
export class WebGpuError extends Error {
  override readonly name = 'WebGpuError';
}

/** How the client reaches the device side. */
export interface Link {
  /** Sends commands, in order. */
  send(cmds: Command[]): void;
  /** The bytes of array `id`, waiting for them (throws WebGpuError where waiting is impossible or the device failed). */
  readSync(id: number, bytes: number): ArrayBuffer;
  readAsync(id: number, bytes: number): Promise<ArrayBuffer>;
  /** Live device buffers (waits for the device; -1 where unknown). */
  liveBuffers(): Promise<number>;
  /** A line describing the adapter. */
  readonly adapter: string;
}

let hostNote = false;
/** Live device arrays past which one line warns (a synchronous loop that never lets them be freed). */
const LIVE_WARNING = 100_000;

export class GpuArray implements DeviceArray {
  /** Host copy: valid while `stale` is false and no kernel wrote the array since. */
  cpu: Float32Array | Int32Array | null = null;
  /** The host copy was handed out writable: the next kernel reading the array uploads it. */
  stale = false;

  constructor(readonly client: WebGpuClient, readonly id: number, readonly dtype: 'float32' | 'int32', readonly length: number) {}

  read(): Data {
    const d = this.peek();
    this.stale = true;
    return d;
  }

  peek(): Data {
    return (this.cpu ??= this.client.fetch(this));
  }

  cached(): Data | null {
    return this.cpu;
  }

  /** A window of this array, as typed arrays' subarray (kernels read and write it in place on the device). */
  subarray(begin = 0, end = this.length): GpuView {
    return new GpuView(this, begin, Math.max(0, Math.min(end, this.length) - begin));
  }

  /** As typed arrays' set: copies src (a host array, a device array or a window) to position `at`, on the device. */
  set(src: Data | GpuArray | GpuView, at = 0): void {
    this.client.copyInto(this, at, src);
  }

  async readAsync(): Promise<Data> {
    this.cpu ??= await this.client.fetchAsync(this);
    this.stale = true;
    return this.cpu;
  }
}

/** A window [offset, offset + length) of a device array (what GpuArray.subarray returns). */
export class GpuView {
  constructor(readonly base: GpuArray, readonly offset: number, readonly length: number) {}

  subarray(begin = 0, end = this.length): GpuView {
    return new GpuView(this.base, this.offset + begin, Math.max(0, Math.min(end, this.length) - begin));
  }

  set(src: Data | GpuArray | GpuView, at = 0): void {
    this.base.set(src, this.offset + at);
  }
}

const ARRAY_FIELDS_IN = new Set(['grad']);

export class WebGpuClient {
  private nextId = 1;
  private queue: Command[] = [];
  private freed: number[] = [];
  /** Handles created minus handles collected (the memory test's count on this side). */
  live = 0;
  private readonly registry = new FinalizationRegistry<number>((id) => {
    this.freed.push(id);
    this.live--;
  });

  constructor(readonly link: Link) {}

  private push(c: Command): void {
    this.queue.push(c);
    if (this.queue.length >= 64) this.flush();
  }

  /** Sends what is queued (and the ids of collected handles). */
  flush(): void {
    if (this.freed.length) this.queue.push({ t: 'free', ids: this.freed.splice(0) });
    if (this.queue.length) this.link.send(this.queue.splice(0));
  }

  private warnedLive = false;

  private handle(dtype: 'float32' | 'int32', n: number): GpuArray {
    const h = new GpuArray(this, this.nextId++, dtype, n);
    this.registry.register(h, h.id);
    if (++this.live > LIVE_WARNING && !this.warnedLive) {
      this.warnedLive = true;
      console.warn(`gradlab: webgpu: ${LIVE_WARNING} device arrays are alive: arrays of collected tensors are freed when the event `
        + 'loop turns, so a long synchronous loop should await now and then (fit() does)');
    }
    return h;
  }

  alloc(dtype: DType, n: number): GpuArray {
    if (dtype === 'float64') throw new WebGpuError('webgpu: float64 is not supported on WebGPU (float32 and int32 are); use a CPU backend for float64');
    const h = this.handle(dtype, n);
    this.push({ t: 'alloc', id: h.id, dtype, n });
    return h;
  }

  upload(data: Data): GpuArray | null {
    if (data instanceof Float64Array) return null;
    const h = this.handle(data instanceof Int32Array ? 'int32' : 'float32', data.length);
    this.push({ t: 'write', id: h.id, dtype: h.dtype, data: data.slice() });
    h.cpu = data;
    return h;
  }

  /** A temporary device copy of a host array for one call (float64 converted to float32). */
  private uploadTemp(v: Data): GpuArray {
    const data = v instanceof Float64Array ? Float32Array.from(v) : v;
    const h = this.handle(data instanceof Int32Array ? 'int32' : 'float32', data.length);
    this.push({ t: 'write', id: h.id, dtype: h.dtype, data: data.slice() });
    return h;
  }

  /**
   * Uploads the host copy of h if it was handed out writable. It stays handed out (JS may still
   * write it, e.g. `g.data.set(mul(g, c).data)` reads g after taking g.data) until a kernel writes
   * the array: until then every kernel reading h uploads it again.
   */
  private sync(h: GpuArray): void {
    if (h.client !== this) throw new WebGpuError('webgpu: a tensor of another webgpu device was passed to this one');
    if (!h.stale) return;
    this.push({ t: 'write', id: h.id, dtype: h.dtype, data: (h.cpu as Float32Array | Int32Array).slice() });
  }

  /** dst[at …] = src, on the device (a host src is written there). */
  copyInto(dst: GpuArray, at: number, src: Data | GpuArray | GpuView): void {
    this.sync(dst);
    if (src instanceof GpuArray || src instanceof GpuView) {
      const base = src instanceof GpuView ? src.base : src;
      this.sync(base);
      this.push({ t: 'copy', src: base.id, srcAt: src instanceof GpuView ? src.offset : 0, dst: dst.id, dstAt: at, n: src.length });
    } else {
      const data = src instanceof Float64Array ? Float32Array.from(src) : src;
      this.push({ t: 'write', id: dst.id, dtype: dst.dtype, data: data.slice(), at });
    }
    dst.cpu = null;
    dst.stale = false;
  }

  fetch(h: GpuArray): Float32Array | Int32Array {
    this.flush();
    const bytes = this.link.readSync(h.id, h.length * 4);
    return h.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  async fetchAsync(h: GpuArray): Promise<Float32Array | Int32Array> {
    this.flush();
    const bytes = await this.link.readAsync(h.id, h.length * 4);
    return h.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** Runs kernel `name`: handles become tokens, host arrays are uploaded (and read back when written). */
  call(name: string, args: unknown[]): void {
    if (needsHost(name, args)) {
      this.onHost(name, args);
      return;
    }
    const outs = OUTPUTS[name] ?? [];
    const temps: GpuArray[] = [];
    const back: [Data, GpuArray][] = [];
    const conv = (v: unknown, written: boolean): unknown => {
      if (v instanceof GpuView) {
        this.sync(v.base);
        if (written) {
          v.base.cpu = null;
          v.base.stale = false;
        }
        return { $v: v.base.id, o: v.offset, n: v.length } satisfies ViewToken;
      }
      if (v instanceof GpuArray) {
        this.sync(v);
        if (written) {
          v.cpu = null;
          v.stale = false;
        }
        return { $g: v.id } satisfies Token;
      }
      if (ArrayBuffer.isView(v)) {
        const h = this.uploadTemp(v as Data);
        temps.push(h);
        if (written) back.push([v as Data, h]);
        return { $g: h.id } satisfies Token;
      }
      if (Array.isArray(v)) return v.some((x) => typeof x === 'object') ? v.map((x) => conv(x, written)) : v;
      if (v !== null && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x, written && !ARRAY_FIELDS_IN.has(k))]));
      }
      return v;
    };
    const listWritten = name === 'sgdSteps' || name === 'adamSteps';
    const sent = args.map((a, i) => conv(a, outs.includes(i) || (listWritten && i === 0)));
    this.push({ t: 'k', name, args: sent });
    for (const [host, h] of back) {
      host.set(this.fetch(h));
    }
    for (const h of temps) {
      this.registry.unregister(h);
      this.freed.push(h.id);
      this.live--;
    }
  }

  /** The call on the js reference with every handle replaced by its (writable) host values. */
  private onHost(name: string, args: unknown[]): void {
    if (!hostNote) {
      hostNote = true;
      console.warn('gradlab: webgpu has no float64: kernels on float64 arrays run on the js backend (CPU)');
    }
    const conv = (v: unknown): unknown => {
      if (v instanceof GpuView) return v.base.read().subarray(v.offset, v.offset + v.length);
      if (v instanceof GpuArray) return v.read();
      if (ArrayBuffer.isView(v)) return v;
      if (Array.isArray(v)) return v.map(conv);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
      return v;
    };
    (jsBackend as unknown as Record<string, (...a: unknown[]) => void>)[name](...args.map(conv));
  }

  /** Live device buffers on the device side (after the pending frees are sent). */
  async liveBuffers(): Promise<number> {
    this.flush();
    return this.link.liveBuffers();
  }
}

/** Whether a call has float64 data (the scale of average pooling is a float64 parameter, not data). */
function needsHost(name: string, args: readonly unknown[]): boolean {
  const skip = name === 'avgPool' || name === 'avgPoolBackward' ? 5 : -1;
  return args.some((a, i) => {
    if (i === skip) return false;
    if (a instanceof Float64Array) return true;
    if (Array.isArray(a) && name.endsWith('Steps')) return a.some((e) => Object.values(e as object).some((x) => x instanceof Float64Array));
    return false;
  });
}

const PRIMITIVE_NAMES = [
  'unary', 'leakyRelu', 'clamp', 'binary', 'where', 'reduce', 'argReduce', 'matmul', 'permute', 'sliceCopy', 'sliceAdd',
  'gather', 'scatterAdd', 'indexSelect', 'im2col', 'col2im', 'cast', 'fill',
] as const satisfies readonly (keyof Primitives)[];

/** The webgpu Backend over a client: primitives and the fused kernels the device has (the rest are composed). */
export function webgpuBackend(client: WebGpuClient): Backend & { readonly adapter: string; readonly client: WebGpuClient } {
  const methods: Record<string, (...a: unknown[]) => void> = {};
  for (const name of PRIMITIVE_NAMES) methods[name] = (...a: unknown[]) => client.call(name, a);
  // The device brings the whole fused group (kernels/fused.ts exports exactly FUSED_KERNELS, a test checks it).
  for (const name of FUSED_KERNELS) methods[name] = (...a: unknown[]) => client.call(name, a);
  /** Host indices are checked as the reference does (device-resident ones are clamped by the kernel). */
  const checkIndex = (op: string, index: unknown, size: number, axis: number | null): void => {
    if (!(index instanceof Int32Array)) return;
    for (const k of index) {
      if (k < 0 || k >= size) {
        throw new RangeError(axis === null ? `${op}: index ${k} is out of range for a dimension of size ${size}`
          : `${op}: index ${k} is out of range for dimension ${axis} of size ${size}`);
      }
    }
  };
  methods.indexSelect = (...a: unknown[]) => {
    checkIndex('indexSelect', a[4], a[2] as number, null);
    client.call('indexSelect', a);
  };
  methods.gather = (...a: unknown[]) => {
    checkIndex('gather', a[3], (a[1] as number[])[a[2] as number], a[2] as number);
    client.call('gather', a);
  };
  methods.indexAdd = (src, outer, size, inner, index, out) => {
    if ([src, index, out].some((v) => v instanceof Float64Array)) {
      client.call('indexAdd', [src, outer, size, inner, index, out]);
      return;
    }
    const idx = index instanceof GpuArray ? (index.peek() as Int32Array) : (index as Int32Array);
    const { starts, order } = indexCsr(idx, size as number);
    client.call('indexAdd', [src, outer, size, inner, idx.length, starts, order, out]);
  };
  const device: DeviceHooks = {
    alloc: (dtype, n) => client.alloc(dtype, n),
    upload: (data) => client.upload(data),
  };
  return { name: 'webgpu', adapter: client.link.adapter, client, device, ...methods } as unknown as Backend & {
    readonly adapter: string; readonly client: WebGpuClient;
  };
}
