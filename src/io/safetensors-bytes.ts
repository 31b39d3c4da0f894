/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of
 * JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`
 * (padded with spaces to a multiple of 8), then the tensors' bytes, little-endian, row-major.
 * gradlab writes F32, F64 and I32; files from PyTorch with those dtypes load as they are.
 *
 * This file is the bytes half (no Node built-in: it runs in the browser); safetensors.ts adds
 * saving to and loading from files.
 */
import type { DType } from '../backend/backend.js';
import { shapeStr, sizeOf } from '../backend/shape.js';
import { Tensor, allocData } from '../tensor/tensor.js';

const CODES: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32' };
const DTYPES: Record<string, DType> = { F32: 'float32', F64: 'float64', I32: 'int32' };
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('safetensors: gradlab reads and writes little-endian data only');

/** Serialises named tensors (and string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name];
    const len = t.size * BYTES[t.dtype];
    header[name] = { dtype: CODES[t.dtype], shape: [...t.shape], data_offsets: [off, off + len] };
    off += len;
  }
  const utf8 = new TextEncoder();
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (utf8.encode(json).length % 8)) % 8);
  const head = utf8.encode(json);
  const lenBuf = new Uint8Array(8);
  new DataView(lenBuf.buffer).setBigUint64(0, BigInt(head.length), true);
  return [lenBuf, head, ...names.map((n) => new Uint8Array(tensors[n].data.buffer, tensors[n].data.byteOffset, tensors[n].data.byteLength))];
}

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Parses safetensors bytes; `where` names the source in errors. */
export function decodeSafetensors(buf: Uint8Array, where = 'buffer'): SafetensorsFile {
  if (buf.length < 8) throw new Error(`safetensors: ${where} is ${buf.length} bytes, too short for a header`);
  const n = Number(new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true));
  if (n > buf.length - 8) throw new Error(`safetensors: ${where} declares a ${n}-byte header but holds only ${buf.length - 8} bytes after the length (not a safetensors file, or truncated)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`safetensors: the header of ${where} is not valid JSON (${(e as Error).message})`);
  }
  const base = 8 + n;
  const dataLen = buf.length - base;
  const tensors: Record<string, Tensor> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as Entry;
    const dtype = DTYPES[e.dtype];
    if (!dtype) throw new Error(`safetensors: tensor '${name}' in ${where} has dtype ${e.dtype}; gradlab reads ${Object.keys(DTYPES).join(', ')}`);
    const [b, end] = e.data_offsets;
    const count = sizeOf(e.shape);
    if (end - b !== count * BYTES[dtype] || end > dataLen || b < 0) {
      throw new Error(`safetensors: tensor '${name}' in ${where} has offsets [${b}, ${end}] that do not fit shape ${shapeStr(e.shape)} ${e.dtype} within ${dataLen} data bytes`);
    }
    const data = allocData(dtype, count);
    new Uint8Array(data.buffer).set(buf.subarray(base + b, base + end));
    tensors[name] = new Tensor(data, e.shape);
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  return { tensors, metadata };
}


/** One Uint8Array of a whole safetensors file (for a download or a Blob). */
export function safetensorsBytes(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array<ArrayBuffer> {
  const parts = encodeSafetensors(tensors, metadata);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
