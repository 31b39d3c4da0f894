/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of
 * JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`
 * (padded with spaces to a multiple of 8), then the tensors' bytes, little-endian, row-major.
 *
 * Reading: F32 and F64 load as they are; F16 and BF16 become float32 (exactly); I64, I32, I8,
 * U8 and BOOL become int32, with a named error for an I64 value outside int32 (or a BOOL byte
 * other than 0 / 1). The header must be a JSON object whose entries have exactly dtype, shape
 * and data_offsets; offsets must lie in the data and must not overlap. A tensor may be named
 * anything, `__proto__` included (the result objects have no prototype).
 *
 * Writing: each tensor in its own dtype (F32, F64, I32) unless `dtypes` asks for another of the
 * dtypes above (e.g. I64 for PyTorch's num_batches_tracked, F16 to halve a file); a value that
 * does not fit the asked dtype (65504 < |x| for F16, 2.5 for I64, 300 for U8...) is a named error.
 *
 * This file is the bytes half (no Node built-in: it runs in the browser); safetensors.ts adds
 * saving to and loading from files.
 */
import type { DType } from '../backend/backend.js';
import { shapeStr, sizeOf } from '../backend/shape.js';
import { Tensor, allocData } from '../tensor/tensor.js';

/** The safetensors dtypes gradlab reads and writes. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I8' | 'U8' | 'BOOL';

const NATIVE: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32' };
/** Bytes per element and the gradlab dtype each file dtype loads as. */
const FORMATS: Record<SafetensorsDType, { bytes: number; loads: DType }> = {
  F64: { bytes: 8, loads: 'float64' }, F32: { bytes: 4, loads: 'float32' }, F16: { bytes: 2, loads: 'float32' }, BF16: { bytes: 2, loads: 'float32' },
  I64: { bytes: 8, loads: 'int32' }, I32: { bytes: 4, loads: 'int32' }, I8: { bytes: 1, loads: 'int32' }, U8: { bytes: 1, loads: 'int32' }, BOOL: { bytes: 1, loads: 'int32' },
};
const KNOWN = Object.keys(FORMATS).join(', ');

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('safetensors: gradlab reads and writes little-endian data only');

// ---- half-precision conversions ----
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits → number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** number → IEEE binary16 bits, rounding to nearest even (from the float32 value); null when a finite value overflows. */
export function floatToHalf(v: number): number | null {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return null;
  if (e <= 0) {
    if (e < -10) return sign; // rounds to ±0
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  if ((half & 0x7c00) === 0x7c00) return null;
  return sign | half;
}

/** bfloat16 bits → number. */
export function bf16ToFloat(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}

/** number → bfloat16 bits (round to nearest even); null when a finite value overflows. */
export function floatToBf16(v: number): number | null {
  f32[0] = v;
  const x = u32[0];
  if (Number.isNaN(f32[0])) return 0x7fc0 | ((x >>> 16) & 0x8000);
  if (!Number.isFinite(f32[0])) return x >>> 16;
  const r = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  if ((r & 0x7f80) === 0x7f80) return null;
  return r & 0xffff;
}

// ---- writing ----

export interface EncodeOptions {
  /** The file dtype of some tensors (by name), or a function choosing it; the rest keep their own. */
  dtypes?: Record<string, SafetensorsDType> | ((name: string, t: Tensor) => SafetensorsDType | undefined);
}

function show(v: number): string {
  return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : v.toPrecision(8);
}

/** The bytes of t in file dtype `code`, with a named error for the first value that does not fit. */
function encodeData(name: string, t: Tensor, code: SafetensorsDType): Uint8Array {
  const src = t.data;
  const n = src.length;
  const fail = (i: number, why: string): never => {
    throw new RangeError(`safetensors: tensor '${name}' ${shapeStr(t.shape)} holds ${show(src[i])} at index ${i}, which does not fit ${code} (${why})`);
  };
  const native = NATIVE[t.dtype];
  if (code === native) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength).slice();
  const out = new Uint8Array(n * FORMATS[code].bytes);
  const view = new DataView(out.buffer);
  const intIn = (i: number, lo: number, hi: number): number => {
    const v = src[i];
    if (!Number.isInteger(v)) fail(i, 'not an integer');
    if (v < lo || v > hi) fail(i, `outside [${lo}, ${hi}]`);
    return v;
  };
  for (let i = 0; i < n; i++) {
    switch (code) {
      case 'F64': view.setFloat64(i * 8, src[i], true); break;
      case 'F32': {
        f32[0] = src[i];
        if (!Number.isFinite(f32[0]) && Number.isFinite(src[i])) fail(i, 'beyond float32 range');
        view.setFloat32(i * 4, src[i], true);
        break;
      }
      case 'F16': { const h = floatToHalf(src[i]); if (h === null) fail(i, 'beyond ±65504'); view.setUint16(i * 2, h as number, true); break; }
      case 'BF16': { const h = floatToBf16(src[i]); if (h === null) fail(i, 'beyond bfloat16 range'); view.setUint16(i * 2, h as number, true); break; }
      case 'I64': view.setBigInt64(i * 8, BigInt(intIn(i, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)), true); break;
      case 'I32': view.setInt32(i * 4, intIn(i, -(2 ** 31), 2 ** 31 - 1), true); break;
      case 'I8': view.setInt8(i, intIn(i, -128, 127)); break;
      case 'U8': view.setUint8(i, intIn(i, 0, 255)); break;
      case 'BOOL': view.setUint8(i, intIn(i, 0, 1)); break;
    }
  }
  return out;
}

function chosenDType(name: string, t: Tensor, o: EncodeOptions): SafetensorsDType {
  const d = typeof o.dtypes === 'function' ? o.dtypes(name, t) : o.dtypes && Object.prototype.hasOwnProperty.call(o.dtypes, name) ? o.dtypes[name] : undefined;
  const code = d ?? NATIVE[t.dtype];
  if (!Object.prototype.hasOwnProperty.call(FORMATS, code)) throw new RangeError(`safetensors: cannot write tensor '${name}' as ${String(code)}; gradlab writes ${KNOWN}`);
  return code;
}

/** Serialises named tensors (and string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}, o: EncodeOptions = {}): Uint8Array[] {
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const meta = Object.entries(metadata);
  for (const [k, v] of meta) if (typeof v !== 'string') throw new TypeError(`safetensors: metadata '${k}' must be a string, got ${typeof v}`);
  if (meta.length) header.__metadata__ = Object.fromEntries(meta);
  let off = 0;
  const names = Object.keys(tensors).sort();
  if (names.includes('__metadata__')) throw new RangeError("safetensors: a tensor cannot be named '__metadata__' (the format reserves it)");
  const blobs: Uint8Array[] = [];
  for (const name of names) {
    const t = tensors[name];
    const code = chosenDType(name, t, o);
    const bytes = encodeData(name, t, code);
    header[name] = { dtype: code, shape: [...t.shape], data_offsets: [off, off + bytes.length] };
    off += bytes.length;
    blobs.push(bytes);
  }
  let json = JSON.stringify(header);
  const utf8 = new TextEncoder();
  json += ' '.repeat((8 - (utf8.encode(json).length % 8)) % 8);
  const head = utf8.encode(json);
  const lenBuf = new Uint8Array(8);
  new DataView(lenBuf.buffer).setBigUint64(0, BigInt(head.length), true);
  return [lenBuf, head, ...blobs];
}

// ---- reading ----

export interface SafetensorsFile {
  /** The tensors by name, in gradlab dtypes (an object without prototype). */
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
  /** The dtype each tensor had in the file (F16, I64...). */
  dtypes: Record<string, SafetensorsDType>;
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** The gradlab data of one tensor decoded from its bytes. */
function decodeData(name: string, where: string, code: SafetensorsDType, bytes: Uint8Array, count: number): Tensor['data'] {
  const f = FORMATS[code];
  const out = allocData(f.loads, count);
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  const view = new DataView(aligned.buffer);
  switch (code) {
    case 'F64': case 'F32': case 'I32': new Uint8Array(out.buffer).set(aligned); break;
    case 'F16': for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
    case 'BF16': for (let i = 0; i < count; i++) out[i] = bf16ToFloat(view.getUint16(i * 2, true)); break;
    case 'I8': for (let i = 0; i < count; i++) out[i] = view.getInt8(i); break;
    case 'U8': for (let i = 0; i < count; i++) out[i] = view.getUint8(i); break;
    case 'BOOL':
      for (let i = 0; i < count; i++) {
        const b = view.getUint8(i);
        if (b > 1) throw new RangeError(`safetensors: tensor '${name}' in ${where} is BOOL but holds byte ${b} at index ${i} (expected 0 or 1)`);
        out[i] = b;
      }
      break;
    case 'I64':
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v < -2147483648n || v > 2147483647n) {
          throw new RangeError(`safetensors: tensor '${name}' in ${where} holds ${v} at index ${i}, which does not fit gradlab's int32 (I64 values load as int32)`);
        }
        out[i] = Number(v);
      }
      break;
  }
  return out;
}

/** Parses safetensors bytes; `where` names the source in errors. */
export function decodeSafetensors(buf: Uint8Array, where = 'buffer'): SafetensorsFile {
  if (buf.length < 8) throw new Error(`safetensors: ${where} is ${buf.length} bytes, too short for a header`);
  const n = Number(new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true));
  if (n > buf.length - 8) throw new Error(`safetensors: ${where} declares a ${n}-byte header but holds only ${buf.length - 8} bytes after the length (not a safetensors file, or truncated)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`safetensors: the header of ${where} is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new Error(`safetensors: the header of ${where} must be a JSON object, got ${kindOf(header)}`);
  }
  const base = 8 + n;
  const dataLen = buf.length - base;
  const tensors = Object.create(null) as Record<string, Tensor>;
  const dtypes = Object.create(null) as Record<string, SafetensorsDType>;
  const metadata = Object.create(null) as Record<string, string>;
  const spans: { name: string; b: number; e: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`safetensors: __metadata__ in ${where} must be an object of strings, got ${kindOf(raw)}`);
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new Error(`safetensors: __metadata__ entry '${k}' in ${where} must be a string, got ${kindOf(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    const bad = (what: string): never => { throw new Error(`safetensors: tensor '${name}' in ${where}: ${what}`); };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad(`its entry must be an object {dtype, shape, data_offsets}, got ${kindOf(raw)}`);
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') bad(`unknown field '${k}' (an entry has dtype, shape and data_offsets)`);
    if (typeof e.dtype !== 'string') bad(`dtype must be a string, got ${kindOf(e.dtype)}`);
    const code = e.dtype as SafetensorsDType;
    if (!Object.prototype.hasOwnProperty.call(FORMATS, code)) bad(`has dtype ${e.dtype}; gradlab reads ${KNOWN}`);
    if (!Array.isArray(e.shape) || !e.shape.every(isUint)) bad(`shape must be an array of non-negative integers, got ${JSON.stringify(e.shape)}`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isUint) || offs[0] > offs[1]) bad(`data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offs)}`);
    const [b, end] = offs as [number, number];
    const shape = e.shape as number[];
    const count = sizeOf(shape);
    if (end - b !== count * FORMATS[code].bytes || end > dataLen) {
      bad(`has offsets [${b}, ${end}] that do not fit shape ${shapeStr(shape)} ${code} within ${dataLen} data bytes`);
    }
    spans.push({ name, b, e: end });
    tensors[name] = new Tensor(decodeData(name, where, code, buf.subarray(base + b, base + end), count), shape);
    dtypes[name] = code;
  }
  spans.sort((x, y) => x.b - y.b || x.e - y.e);
  for (let i = 1; i < spans.length; i++) {
    const p = spans[i - 1];
    const c = spans[i];
    if (c.b < p.e) throw new Error(`safetensors: tensors '${p.name}' [${p.b}, ${p.e}] and '${c.name}' [${c.b}, ${c.e}] in ${where} overlap`);
  }
  return { tensors, metadata, dtypes };
}


/** One Uint8Array of a whole safetensors file (for a download or a Blob). */
export function safetensorsBytes(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}, o: EncodeOptions = {}): Uint8Array<ArrayBuffer> {
  const parts = encodeSafetensors(tensors, metadata, o);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
