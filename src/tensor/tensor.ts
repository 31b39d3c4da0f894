/**
 * The Tensor: a contiguous row-major block of numbers with a shape and a dtype, plus the
 * fields autograd needs (requiresGrad, grad, gradFn).
 *
 * NOTE: gradlab tensors are always contiguous. `reshape` shares the block; `permute`,
 * `transpose` and slicing copy through one backend kernel. This keeps every kernel simple
 * (no stride juggling) at the price of a copy where PyTorch would make a view.
 *
 * The differentiable operations (`add`, `matmul`, `softmax`...) are attached as methods by
 * autograd/methods.ts; this file only holds data and the pieces every layer needs.
 */
import type { DType, Data, DeviceArray, Shape } from '../backend/backend.js';
import { isDeviceArray } from '../backend/backend.js';
import { backend } from '../backend/index.js';
import { shapeStr, sizeOf, stridesOf } from '../backend/shape.js';
import { isTracked, recycleArray, takeArray } from './buffer-pool.js';

/**
 * A gradient that is zero except in a strided window: what slicing's backward returns. The
 * engine adds `src` into the window of the input's accumulated gradient instead of building a
 * full-size tensor of zeros for every slice (which made an LSTM over L steps cost O(L²)).
 */
export interface SliceGrad {
  readonly kind: 'slice';
  /** The gradient of the slice. */
  readonly src: Tensor;
  /** Start and step per dim of the window inside the input. */
  readonly begin: readonly number[];
  readonly step: readonly number[];
}

/** One recorded operation in the autograd graph: what produced a tensor, and how to go back. */
export interface GradNode {
  /** Op name, e.g. 'matmul'. */
  readonly op: string;
  /** The tensors the op read, in argument order. */
  readonly inputs: readonly Tensor[];
  /**
   * Given dL/d(output), the gradient for each input (null where an input needs none).
   * Set to null once the graph is freed after backward().
   */
  backward: ((grad: Tensor) => (Tensor | SliceGrad | null)[]) | null;
  /**
   * Set for rules recorded through the public `record` (code outside gradlab): the engine cannot
   * know whether such a rule keeps the gradient it got or the ones it returns, so it never gives
   * their arrays back to the buffer pool.
   */
  readonly external?: boolean;
}

export function dtypeOf(data: Data | DeviceArray): DType {
  if (isDeviceArray(data)) return data.dtype;
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}

/** A zero-filled host array (reused from the buffer pool when one of that size is free). */
export function allocData(dtype: DType, n: number): Data {
  return takeArray(dtype, n);
}

/**
 * Storage for n elements through the active backend: a host typed array on the CPU backends, a
 * device array on a device backend (webgpu). What kernel outputs are allocated with.
 */
export function allocStorage(dtype: DType, n: number): Data | DeviceArray {
  const dev = backend().device;
  if (dev === undefined || dtype === 'float64') return allocData(dtype, n);
  return dev.alloc(dtype, n);
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

let nextId = 1;

export class Tensor {
  /** Host storage (CPU backends; or values not yet used by a device kernel); may be shared (reshape). */
  private host: Data | null;
  /** Device storage (webgpu); may be shared with other tensors of the same size (reshape). */
  private dev: DeviceArray | null;
  /** Number of elements. */
  readonly size: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Unique per tensor, used by the graph printer and the engine. */
  readonly id: number;
  requiresGrad = false;
  /** Accumulated gradient of a leaf after backward(). */
  grad: Tensor | null = null;
  /** The operation that produced this tensor, when it was made under autograd. */
  gradFn: GradNode | null = null;
  /** Optional human name shown by toDot() and in errors (parameters get their module path). */
  name: string | undefined;

  constructor(data: Data | DeviceArray, shape: Shape) {
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new RangeError(`Tensor: data has ${data.length} elements but shape ${shapeStr(shape)} needs ${n}`);
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new RangeError(`Tensor: invalid shape ${shapeStr(shape)} (sizes must be integers ≥ 0)`);
    }
    if (isDeviceArray(data)) {
      this.host = null;
      this.dev = data;
    } else {
      this.host = data;
      this.dev = null;
    }
    this.size = n;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.id = nextId++;
  }

  /**
   * The values as a contiguous typed array. On a device backend this reads them back (once,
   * then cached until a kernel writes the tensor) and the array may be written: the next kernel
   * that reads the tensor uploads it. A browser page's main thread cannot wait for the device:
   * there, `await t.read()` first (or read values with it).
   */
  get data(): Data {
    return this.host ?? (this.dev as DeviceArray).read();
  }

  /**
   * What kernel call sites pass for this tensor: the typed array on CPU backends, the device
   * handle on a device backend (typed as Data: only that backend's kernels read it). Host values
   * move to the device the first time a device kernel needs them, and back when a CPU backend is
   * active again.
   */
  get storage(): Data {
    const dev = backend().device;
    if (dev === undefined) {
      if (this.host === null) {
        this.host = (this.dev as DeviceArray).read();
        this.dev = null;
      }
      return this.host;
    }
    if (this.dev === null) {
      const up = dev.upload(this.host as Data);
      if (up === null) return this.host as Data;
      this.dev = up;
      this.host = null;
    }
    return this.dev as unknown as Data;
  }

  /**
   * The host array when the values live only there (CPU backends), else null; reads nothing
   * back. For the engine's buffer bookkeeping (buffer-pool.ts).
   */
  get hostArray(): Data | null {
    return this.dev === null ? this.host : null;
  }

  /** True while the values live on a device (webgpu) rather than in a host array. */
  get onDevice(): boolean {
    return this.dev !== null;
  }

  /** The values, read back asynchronously where they live on a device; `data` is then immediate. */
  async read(): Promise<Data> {
    return this.host ?? (this.dev as DeviceArray).readAsync();
  }

  /** The values for reading only when they are at hand on the host (no device read), else null. */
  hostValues(): Data | null {
    return this.host ?? (this.dev as DeviceArray).cached();
  }

  /** The values for reading only (the device copy stays valid). */
  private values(): Data {
    return this.host ?? (this.dev as DeviceArray).peek();
  }

  numel(): number {
    return this.size;
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** A leaf is a tensor that no recorded op produced: user inputs and parameters. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The value of a one-element tensor as a JS number. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(`item: tensor of shape ${shapeStr(this.shape)} has ${this.size} elements, expected 1`);
    }
    return this.values()[0];
  }

  /** Flat copy of the values as numbers. */
  toFlatArray(): number[] {
    return Array.from(this.values());
  }

  /** Nested JS arrays shaped like the tensor (a number for a scalar). */
  toArray(): NestedArray {
    const data = this.values();
    const build = (dim: number, off: number): NestedArray => {
      if (dim === this.shape.length) return data[off];
      const st = this.strides[dim];
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, off + i * st));
      return out;
    };
    return build(0, 0);
  }

  /** Sets requiresGrad in place (like PyTorch's requires_grad_) and returns this tensor. */
  requiresGrad_(flag = true): this {
    if (flag && !isFloat(this.dtype)) throw new TypeError(`requiresGrad: only float tensors can require gradients (got ${this.dtype})`);
    this.requiresGrad = flag;
    return this;
  }

  /** Describes the tensor for error messages: `x[300,784] float32`. */
  describe(): string {
    return `${this.name ?? 'tensor'}${shapeStr(this.shape)} ${this.dtype}`;
  }
}

export type NestedArray = number | NestedArray[];

/**
 * Gives a temporary's host array back to the buffer pool. Only for a tensor its caller made and
 * that nothing else can reach (a backward rule's intermediate it does not return); as a safety
 * net, only arrays allocated during the backward() in progress are taken.
 */
export function recycleTemp(t: Tensor): void {
  const a = t.hostArray;
  if (a !== null && isTracked(a.buffer)) recycleArray(a);
}
