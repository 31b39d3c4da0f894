/** Creating tensors: from JS arrays, constants, ranges and random draws. */
import type { DType, Data, Shape } from '../backend/backend.js';
import { backend } from '../backend/index.js';
import { shapeStr, sizeOf } from '../backend/shape.js';
import { Generator, defaultGenerator } from './random.js';
import { NestedArray, Tensor, allocData, dtypeOf } from './tensor.js';
import { checkOptions, oneOf } from './options.js';

const CREATE_SPEC = { dtype: oneOf(['float32', 'float64', 'int32']), requiresGrad: 'boolean' } as const;
const RANDOM_SPEC = { ...CREATE_SPEC, generator: 'any' } as const;

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

function bytesText(b: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  while (b >= 1000 && i < units.length - 1) { b /= 1000; i++; }
  return `${i === 0 ? b : b.toPrecision(3)} ${units[i]}`;
}

/**
 * Check a shape (every dimension an integer ≥ 0) and allocate its data, with errors that name
 * the function, the shape and, when memory is the problem, the bytes asked for.
 */
function allocShape(owner: string, shape: Shape, dtype: DType): Data {
  if (!Array.isArray(shape)) throw new TypeError(`${owner}: shape must be an array of integers, got ${typeof shape === 'number' ? shape : JSON.stringify(shape) ?? String(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${owner}: shape [${shape.map(String).join(', ')}] has dimension ${i} = ${String(d)}; every dimension must be an integer ≥ 0`);
    }
  });
  return allocCount(owner, `shape [${shape.join(', ')}]`, sizeOf(shape), dtype);
}

function allocCount(owner: string, what: string, n: number, dtype: DType): Data {
  const bytes = n * BYTES[dtype];
  try {
    return allocData(dtype, n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`${owner}: ${what} needs ${n.toExponential(3).replace('e+', 'e')} ${dtype} elements (${bytesText(bytes)}), more than can be allocated (${e.message})`);
  }
}

function finish(t: Tensor, o: CreateOptions | undefined): Tensor {
  if (o?.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferShape(x: NestedArray, path: string): number[] {
  if (typeof x === 'number') return [];
  if (!Array.isArray(x)) throw new TypeError(`tensor: expected a number or an array at ${path}, got ${typeof x}`);
  if (x.length === 0) return [0];
  return [x.length, ...inferShape(x[0], `${path}[0]`)];
}

/** A tensor from nested arrays, a typed array (flat, with shape) or a number. */
export function tensor(values: NestedArray | Data | readonly number[], opts?: CreateOptions & { shape?: Shape }): Tensor {
  checkOptions('tensor', opts, { ...CREATE_SPEC, shape: 'any' });
  const dtype = opts?.dtype ?? (ArrayBuffer.isView(values) ? dtypeOf(values as Data) : 'float32');
  if (ArrayBuffer.isView(values)) {
    const src = values as Data;
    const shape = opts?.shape ?? [src.length];
    const data = allocData(dtype, src.length);
    data.set(src);
    return finish(new Tensor(data, shape), opts);
  }
  const shape = opts?.shape ?? inferShape(values as NestedArray, 'values');
  const n = sizeOf(shape);
  const data = allocData(dtype, n);
  let k = 0;
  const fill = (x: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof x !== 'number') throw new TypeError(`tensor: expected a number at ${path}`);
      data[k++] = x;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new RangeError(`tensor: ragged nested array at ${path}: expected ${shape[dim]} elements to match shape ${shapeStr(shape)}`);
    }
    for (let i = 0; i < x.length; i++) fill(x[i], dim + 1, `${path}[${i}]`);
  };
  if (opts?.shape && Array.isArray(values) && !Array.isArray(values[0]) && values.length === n) {
    for (let i = 0; i < n; i++) data[i] = (values as number[])[i];
  } else fill(values as NestedArray, 0, 'values');
  return finish(new Tensor(data, shape), opts);
}

export function full(shape: Shape, value: number, opts?: CreateOptions, owner = 'full'): Tensor {
  checkOptions(owner, opts, CREATE_SPEC);
  const data = allocShape(owner, shape, opts?.dtype ?? 'float32');
  if (value !== 0) backend().fill(data, value);
  return finish(new Tensor(data, shape), opts);
}

export function zeros(shape: Shape, opts?: CreateOptions): Tensor {
  return full(shape, 0, opts, 'zeros');
}

export function ones(shape: Shape, opts?: CreateOptions): Tensor {
  return full(shape, 1, opts, 'ones');
}

export function zerosLike(t: Tensor, opts?: CreateOptions): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...opts });
}

export function onesLike(t: Tensor, opts?: CreateOptions): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...opts });
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  const d = allocData(dtype, 1);
  d[0] = value;
  return new Tensor(d, []);
}

/** Values from start (inclusive) to end (exclusive) by step, like torch.arange. */
export function arange(start: number, end?: number, step = 1, opts?: CreateOptions): Tensor {
  checkOptions('arange', opts, CREATE_SPEC);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new RangeError('arange: step must not be 0');
  if (![start, end, step].every(Number.isFinite)) throw new RangeError(`arange: start, end and step must be finite numbers, got ${start}, ${end}, ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = [start, end, step].every(Number.isInteger);
  const data = allocCount('arange', `arange(${start}, ${end}, ${step})`, n, opts?.dtype ?? (allInt ? 'int32' : 'float32'));
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(new Tensor(data, [n]), opts);
}

export function linspace(start: number, end: number, steps: number, opts?: CreateOptions): Tensor {
  checkOptions('linspace', opts, CREATE_SPEC);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be an integer ≥ 0, got ${steps}`);
  const data = allocCount('linspace', `${steps} steps`, steps, opts?.dtype ?? 'float32');
  for (let i = 0; i < steps; i++) data[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return finish(new Tensor(data, [steps]), opts);
}

export function eye(n: number, m = n, opts?: CreateOptions): Tensor {
  checkOptions('eye', opts, CREATE_SPEC);
  const data = allocShape('eye', [n, m], opts?.dtype ?? 'float32');
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(new Tensor(data, [n, m]), opts);
}

/** Uniform in [0, 1). */
export function rand(shape: Shape, opts?: RandomOptions): Tensor {
  checkOptions('rand', opts, RANDOM_SPEC);
  const g = opts?.generator ?? defaultGenerator();
  const data = allocShape('rand', shape, opts?.dtype ?? 'float32');
  for (let i = 0; i < data.length; i++) data[i] = g.random();
  return finish(new Tensor(data, shape), opts);
}

/** Standard normal. */
export function randn(shape: Shape, opts?: RandomOptions): Tensor {
  checkOptions('randn', opts, RANDOM_SPEC);
  const g = opts?.generator ?? defaultGenerator();
  const data = allocShape('randn', shape, opts?.dtype ?? 'float32');
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return finish(new Tensor(data, shape), opts);
}

/** Integers uniform in [low, high). */
export function randint(low: number, high: number, shape: Shape, opts?: { generator?: Generator }): Tensor {
  checkOptions('randint', opts, { generator: 'any' });
  const g = opts?.generator ?? defaultGenerator();
  const data = allocShape('randint', shape, 'int32');
  for (let i = 0; i < data.length; i++) data[i] = low + g.int(high - low);
  return new Tensor(data, shape);
}

export function randperm(n: number, opts?: { generator?: Generator }): Tensor {
  return new Tensor((opts?.generator ?? defaultGenerator()).permutation(n), [n]);
}
