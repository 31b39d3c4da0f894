/**
 * The IDX format of MNIST and Fashion-MNIST (train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-...), raw or gzipped. One reader serves both datasets and any IDX file people bring.
 *
 * Layout: two zero bytes, a type code (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64),
 * the number of dimensions, each dimension as a big-endian u32, then the values big-endian,
 * row-major. The reader checks the magic bytes and that the file holds exactly the bytes the
 * dimensions promise, and says which file is wrong and how.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import { Tensor } from '../../tensor/tensor.js';
import { findWithGz, isGzip, readMaybeCompressed, requireDir, requireFile } from './files.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDType;
  dims: number[];
  data: IdxData;
}

const TYPES: Record<number, { dtype: IdxDType; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

/** Parses IDX bytes (already inflated); `file` is used in error messages only. */
export function parseIdx(buf: Uint8Array, file = '<buffer>'): IdxArray {
  if (buf.length < 4) throw new Error(`IDX ${file}: file too short for a header (${buf.length} bytes)`);
  const magic = ((buf[0] << 24) | (buf[1] << 16) | (buf[2] << 8) | buf[3]) >>> 0;
  const type = TYPES[buf[2]];
  if (buf[0] !== 0 || buf[1] !== 0 || !type) {
    throw new Error(`IDX ${file}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} (expected 0x0000TTNN with type TT in 08,09,0b,0c,0d,0e)`);
  }
  const ndim = buf[3];
  const headerLen = 4 + 4 * ndim;
  if (buf.length < headerLen) throw new Error(`IDX ${file}: truncated header (${buf.length} bytes, ${ndim} dimensions need ${headerLen})`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(dv.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const need = headerLen + count * type.bytes;
  if (buf.length < need) {
    throw new Error(`IDX ${file}: truncated: dimensions [${dims.join(',')}] of ${type.dtype} need ${need} bytes, file has ${buf.length}`);
  }
  if (buf.length > need) {
    throw new Error(`IDX ${file}: ${buf.length - need} unexpected bytes after the data (dimensions [${dims.join(',')}] of ${type.dtype} need ${need} bytes, file has ${buf.length})`);
  }
  let data: IdxData;
  switch (type.dtype) {
    case 'uint8': data = new Uint8Array(buf.buffer, buf.byteOffset + headerLen, count).slice(); break;
    case 'int8': data = new Int8Array(buf.buffer, buf.byteOffset + headerLen, count).slice(); break;
    case 'int16': data = new Int16Array(count); for (let i = 0; i < count; i++) data[i] = dv.getInt16(headerLen + 2 * i, false); break;
    case 'int32': data = new Int32Array(count); for (let i = 0; i < count; i++) data[i] = dv.getInt32(headerLen + 4 * i, false); break;
    case 'float32': data = new Float32Array(count); for (let i = 0; i < count; i++) data[i] = dv.getFloat32(headerLen + 4 * i, false); break;
    default: data = new Float64Array(count); for (let i = 0; i < count; i++) data[i] = dv.getFloat64(headerLen + 8 * i, false); break;
  }
  return { dtype: type.dtype, dims, data };
}

/** Reads an IDX file, gzipped or not. */
export function readIdx(path: string): IdxArray {
  return parseIdx(readMaybeCompressed(path, 'IDX file'), path);
}

/**
 * Streams the records of an IDX file (raw or gzipped) without loading it: yields one record
 * (the values of one index along the first dimension, e.g. one 28×28 image) at a time, as a
 * fresh typed array. The header is checked as in parseIdx; a file that ends early is an error
 * naming how many records arrived.
 */
export async function* streamIdx(path: string): AsyncGenerator<{ index: number; dims: number[]; dtype: IdxDType; data: IdxData }> {
  requireFile(path, 'IDX file');
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(2);
  readSync(fd, head, 0, 2, 0);
  closeSync(fd);
  const raw = createReadStream(path);
  const input = isGzip(head) ? raw.pipe(createGunzip()) : raw;
  let pending: Buffer = Buffer.alloc(0);
  let header: { dims: number[]; type: { dtype: IdxDType; bytes: number }; recBytes: number; count: number } | null = null;
  let index = 0;
  const source = async function* (): AsyncGenerator<Buffer> {
    try {
      for await (const c of input) yield c as Buffer;
    } catch (e) {
      throw new Error(`IDX ${path}: corrupt or truncated ${isGzip(head) ? 'gzip ' : ''}data (${(e as Error).message})`);
    }
  };
  try {
    for await (const chunk of source()) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      if (!header) {
        if (pending.length < 4) continue;
        const type = TYPES[pending[2]];
        if (pending[0] !== 0 || pending[1] !== 0 || !type) {
          const magic = pending.readUInt32BE(0);
          throw new Error(`IDX ${path}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} (expected 0x0000TTNN with type TT in 08,09,0b,0c,0d,0e)`);
        }
        const hl = 4 + 4 * pending[3];
        if (pending.length < hl) continue;
        const dims: number[] = [];
        for (let i = 0; i < pending[3]; i++) dims.push(pending.readUInt32BE(4 + 4 * i));
        const per = dims.slice(1).reduce((a, b) => a * b, 1);
        header = { dims, type, recBytes: per * type.bytes, count: dims.length ? dims[0] : 1 };
        pending = pending.subarray(hl);
      }
      while (header && index < header.count && pending.length >= header.recBytes) {
        const rec = new Uint8Array(header.recBytes);
        rec.set(pending.subarray(0, header.recBytes));
        pending = pending.subarray(header.recBytes);
        const buf = new Uint8Array(4 + 4 * (header.dims.length - 1) + header.recBytes);
        // Re-use parseIdx's decoding by framing the record as a small IDX of the remaining dims.
        buf[2] = Number(Object.entries(TYPES).find(([, t]) => t.dtype === header!.type.dtype)![0]);
        buf[3] = header.dims.length - 1;
        header.dims.slice(1).forEach((d, i) => new DataView(buf.buffer).setUint32(4 + 4 * i, d, false));
        buf.set(rec, 4 + 4 * (header.dims.length - 1));
        yield { index, dims: header.dims, dtype: header.type.dtype, data: parseIdx(buf, path).data };
        index++;
      }
    }
  } finally {
    raw.destroy();
  }
  if (!header) throw new Error(`IDX ${path}: file too short for a header`);
  if (index < header.count) throw new Error(`IDX ${path}: truncated: ${index} of ${header.count} records of [${header.dims.slice(1).join(',')}] ${header.type.dtype}`);
}

/** Encodes an IDX file (big-endian), e.g. to write test fixtures or export data. */
export function encodeIdx(dtype: IdxDType, dims: readonly number[], values: ArrayLike<number>): Uint8Array {
  const code = Number(Object.entries(TYPES).find(([, t]) => t.dtype === dtype)![0]);
  const bytes = TYPES[code].bytes;
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`encodeIdx: ${values.length} values for dimensions [${dims.join(',')}] (need ${count})`);
  const out = new Uint8Array(4 + 4 * dims.length + count * bytes);
  const dv = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * dims.length;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    switch (dtype) {
      case 'uint8': dv.setUint8(at + i, v); break;
      case 'int8': dv.setInt8(at + i, v); break;
      case 'int16': dv.setInt16(at + 2 * i, v, false); break;
      case 'int32': dv.setInt32(at + 4 * i, v, false); break;
      case 'float32': dv.setFloat32(at + 4 * i, v, false); break;
      default: dv.setFloat64(at + 8 * i, v, false); break;
    }
  }
  return out;
}

/** An image set as flat arrays: images [n, rows·cols] (float, 0–1 when scaled), labels [n]. */
export interface ImageSet {
  images: Float32Array;
  labels: Int32Array;
  n: number;
  rows: number;
  cols: number;
  dim: number;
  classes: readonly string[];
}

/** Reads an idx3 ubyte image file and an idx1 ubyte label file and checks they agree. */
export function loadIdxPair(imagesPath: string, labelsPath: string, opts: { scale?: boolean; classes?: readonly string[] } = {}): ImageSet {
  const im = readIdx(imagesPath);
  const lb = readIdx(labelsPath);
  if (im.dims.length !== 3) throw new Error(`IDX ${imagesPath}: expected 3 dimensions [n, rows, cols] for images, got [${im.dims.join(',')}]`);
  if (lb.dims.length !== 1) throw new Error(`IDX ${labelsPath}: expected 1 dimension [n] for labels, got [${lb.dims.join(',')}]`);
  if (im.dims[0] !== lb.dims[0]) {
    throw new Error(`IDX: ${imagesPath} has ${im.dims[0]} images but ${labelsPath} has ${lb.dims[0]} labels`);
  }
  const [n, rows, cols] = im.dims;
  const scale = opts.scale ?? true ? 1 / 255 : 1;
  const images = new Float32Array(n * rows * cols);
  for (let i = 0; i < images.length; i++) images[i] = im.data[i] * scale;
  const labels = Int32Array.from(lb.data);
  let maxLabel = 0;
  for (const l of labels) if (l > maxLabel) maxLabel = l;
  const classes = opts.classes ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  return { images, labels, n, rows, cols, dim: rows * cols, classes };
}

/** Names used by MNIST-style folders, with and without the dot some mirrors use. */
function idxName(dir: string, prefix: 'train' | 't10k', kind: 'images' | 'labels'): string | null {
  const nd = kind === 'images' ? 3 : 1;
  for (const n of [`${prefix}-${kind}-idx${nd}-ubyte`, `${prefix}-${kind}.idx${nd}-ubyte`]) {
    const p = findWithGz(join(dir, n));
    if (p) return p;
  }
  return null;
}

/** Loads the train or test split from an MNIST-layout folder (raw or .gz files). */
export function loadIdxFolder(dir: string, split: 'train' | 'test' = 'train', opts: { scale?: boolean; classes?: readonly string[] } = {}): ImageSet {
  requireDir(dir, 'IDX dataset folder');
  const prefix = split === 'train' ? 'train' : 't10k';
  const ip = idxName(dir, prefix, 'images');
  const lp = idxName(dir, prefix, 'labels');
  if (!ip || !lp) {
    const missing = [!ip && `${prefix}-images-idx3-ubyte[.gz]`, !lp && `${prefix}-labels-idx1-ubyte[.gz]`].filter(Boolean).join(' and ');
    throw new Error(`IDX dataset folder ${dir}: missing ${missing}`);
  }
  return loadIdxPair(ip, lp, opts);
}

export const FASHION_MNIST_CLASSES = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);

/** Where Debian's dataset-fashion-mnist puts the files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** The Fashion-MNIST folder: $GRADLAB_FASHION_MNIST, else Debian's, else null. */
export function findFashionMnist(): string | null {
  const cands = [process.env.GRADLAB_FASHION_MNIST, FASHION_MNIST_DEBIAN_DIR].filter((p): p is string => !!p);
  for (const d of cands) if (idxName(d, 'train', 'images') && existsSync(d)) return d;
  return null;
}

export const FASHION_MNIST_HOWTO = 'install Debian\'s package: sudo apt-get install dataset-fashion-mnist (files in /usr/share/datasets/fashion-mnist/), or set GRADLAB_FASHION_MNIST to a folder holding train-images-idx3-ubyte.gz etc.';

/** Fashion-MNIST (60,000 train + 10,000 test, 28×28, 10 classes), found automatically when installed. */
export function loadFashionMnist(opts: { split?: 'train' | 'test'; dir?: string; scale?: boolean } = {}): ImageSet {
  const dir = opts.dir ?? findFashionMnist();
  if (!dir) throw new Error(`Fashion-MNIST not found: ${FASHION_MNIST_HOWTO}`);
  return loadIdxFolder(dir, opts.split ?? 'train', { scale: opts.scale, classes: FASHION_MNIST_CLASSES });
}

/** Wraps an image set as tensors: x [n, 1, rows, cols] (or [n, dim] with flat) float32, y [n] int32. */
export function imageSetTensors(set: ImageSet, opts: { flat?: boolean } = {}): { x: Tensor; y: Tensor } {
  const shape = opts.flat ? [set.n, set.dim] : [set.n, 1, set.rows, set.cols];
  return { x: new Tensor(set.images, shape), y: new Tensor(set.labels, [set.n]) };
}
