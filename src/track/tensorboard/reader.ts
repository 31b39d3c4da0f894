/**
 * Reading event files back, kept apart from the writer so a check of one by the other means
 * something: `readRecords` splits a TFRecord file and verifies both masked CRC-32Cs of every
 * record; `decodeFields` is a generic protobuf wire-format decoder; `decodeEvent` uses it to
 * pull out the parts of an Event gradlab writes (tags, steps, values, images, text).
 */
import { crc32c, unmaskCrc } from './crc32c.js';

/** Thrown when a file is not a well-formed sequence of records; names the file offset. */
export class RecordError extends Error {
  constructor(readonly offset: number, detail: string) {
    super(`TFRecord at byte ${offset}: ${detail}`);
    this.name = 'RecordError';
  }
}

export function readRecords(file: Uint8Array): Uint8Array[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < file.length) {
    if (o + 12 > file.length) throw new RecordError(o, `truncated header (${file.length - o} bytes left)`);
    const len = Number(v.getBigUint64(o, true));
    const lenCrc = unmaskCrc(v.getUint32(o + 8, true));
    const want = crc32c(file.subarray(o, o + 8));
    if (lenCrc !== want) throw new RecordError(o, `length CRC ${lenCrc.toString(16)} ≠ computed ${want.toString(16)}`);
    if (o + 12 + len + 4 > file.length) throw new RecordError(o, `truncated data (needs ${len + 4} bytes, ${file.length - o - 12} left)`);
    const data = file.subarray(o + 12, o + 12 + len);
    const dataCrc = unmaskCrc(v.getUint32(o + 12 + len, true));
    const wantData = crc32c(data);
    if (dataCrc !== wantData) throw new RecordError(o, `data CRC ${dataCrc.toString(16)} ≠ computed ${wantData.toString(16)}`);
    out.push(data);
    o += 12 + len + 4;
  }
  return out;
}

export interface Field {
  field: number;
  wire: 0 | 1 | 2 | 5;
  /** varint as number; fixed64/fixed32 as the raw 8/4 bytes; length-delimited as bytes. */
  value: number | Uint8Array;
}

export function decodeFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let o = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (o >= buf.length) throw new Error(`protobuf: varint runs past the end (${buf.length} bytes)`);
      const b = buf[o++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (o < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      out.push({ field, wire, value: buf.subarray(o, o + n) });
      o += n;
    } else if (wire === 2) {
      const n = varint();
      out.push({ field, wire, value: buf.subarray(o, o + n) });
      o += n;
    } else throw new Error(`protobuf: unsupported wire type ${wire} for field ${field} at byte ${o}`);
    if (o > buf.length) throw new Error(`protobuf: field ${field} runs past the end`);
  }
  return out;
}

const f64 = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
const f32 = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const bytesOf = (f: Field | undefined): Uint8Array => (f && f.value instanceof Uint8Array ? f.value : new Uint8Array(0));
const num = (f: Field | undefined): number | undefined => (f === undefined ? undefined : typeof f.value === 'number' ? f.value : f.wire === 1 ? f64(f.value) : f32(f.value));
function packed(fs: Field[]): number[] {
  const out: number[] = [];
  for (const f of fs) {
    if (f.wire === 1) out.push(f64(f.value as Uint8Array));
    else for (let i = 0; i + 8 <= (f.value as Uint8Array).length; i += 8) out.push(f64((f.value as Uint8Array).subarray(i, i + 8)));
  }
  return out;
}

export interface DecodedValue {
  tag: string;
  simpleValue?: number;
  histo?: { min: number; max: number; num: number; sum: number; sumSquares: number; limits: number[]; counts: number[] };
  image?: { width: number; height: number; colorspace: number; png: Uint8Array };
  pluginName?: string;
  strings?: string[];
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: DecodedValue[];
}

function decodeValue(buf: Uint8Array): DecodedValue {
  const fs = decodeFields(buf);
  const one = (n: number): Field | undefined => fs.find((f) => f.field === n);
  const v: DecodedValue = { tag: text(bytesOf(one(1))) };
  if (one(2)) v.simpleValue = num(one(2));
  if (one(5)) {
    const h = decodeFields(bytesOf(one(5)));
    const d = (n: number): number => num(h.find((f) => f.field === n)) ?? 0;
    v.histo = { min: d(1), max: d(2), num: d(3), sum: d(4), sumSquares: d(5), limits: packed(h.filter((f) => f.field === 6)), counts: packed(h.filter((f) => f.field === 7)) };
  }
  if (one(4)) {
    const im = decodeFields(bytesOf(one(4)));
    const g = (n: number): Field | undefined => im.find((f) => f.field === n);
    v.image = { height: num(g(1)) ?? 0, width: num(g(2)) ?? 0, colorspace: num(g(3)) ?? 0, png: bytesOf(g(4)) };
  }
  if (one(9)) {
    const plugin = decodeFields(bytesOf(one(9))).find((f) => f.field === 1);
    if (plugin) v.pluginName = text(bytesOf(decodeFields(bytesOf(plugin)).find((f) => f.field === 1)));
  }
  if (one(8)) v.strings = decodeFields(bytesOf(one(8))).filter((f) => f.field === 8).map((f) => text(bytesOf(f)));
  return v;
}

export function decodeEvent(buf: Uint8Array): DecodedEvent {
  const fs = decodeFields(buf);
  const e: DecodedEvent = { wallTime: num(fs.find((f) => f.field === 1)) ?? 0, step: num(fs.find((f) => f.field === 2)) ?? 0, values: [] };
  const fv = fs.find((f) => f.field === 3);
  if (fv) e.fileVersion = text(bytesOf(fv));
  const summary = fs.find((f) => f.field === 5);
  if (summary) e.values = decodeFields(bytesOf(summary)).filter((f) => f.field === 1).map((f) => decodeValue(bytesOf(f)));
  return e;
}
