/**
 * A small PNG encoder: 8-bit grey, RGB or RGBA, no interlacing, filter 0 on every row, the
 * pixels deflated with node:zlib. Enough for reconstructions, digit grids and heat-maps,
 * which both the dashboard and TensorBoard (Summary.Image wants encoded bytes) show.
 *
 * Float input is read as intensities in [0, 1] (clamped; NaN becomes 0); Uint8Array input
 * is taken as is. Pixels are row-major, channels interleaved (HWC).
 */
import { deflateSync } from 'node:zlib';

export interface PngInput {
  width: number;
  height: number;
  /** 1 grey, 3 RGB, 4 RGBA; default 1. */
  channels?: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array | ArrayLike<number>;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, the one PNG and zlib use). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const COLOR_TYPE: Record<1 | 3 | 4, number> = { 1: 0, 3: 2, 4: 6 };

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Turn any accepted pixel array into bytes 0..255. */
export function toBytes(data: PngInput['data']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof Uint8ClampedArray) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v > 0 ? (v >= 1 ? 255 : Math.round(v * 255)) : 0; // NaN and negatives → 0
  }
  return out;
}

export function encodePng(img: PngInput): Uint8Array {
  const { width, height } = img;
  const channels = img.channels ?? 1;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`encodePng: width and height must be integers ≥ 1, got ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(`encodePng: channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  const need = width * height * channels;
  if (img.data.length !== need) {
    throw new RangeError(`encodePng: ${width}×${height}×${channels} image needs ${need} values, got ${img.data.length}`);
  }
  const px = toBytes(img.data);
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0 (None)
    raw.set(px.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE[channels];
  // compression 0, filter 0, interlace 0
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Width, height and channels of a PNG made by encodePng (reads the IHDR chunk). */
export function pngInfo(png: Uint8Array): { width: number; height: number; channels: 1 | 2 | 3 | 4 } {
  for (let i = 0; i < 8; i++) {
    if (png[i] !== SIGNATURE[i]) throw new Error('pngInfo: not a PNG file (bad signature)');
  }
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const colorType = png[25];
  const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : colorType === 6 ? 4 : colorType === 4 ? 2 : 0;
  if (channels === 0) throw new Error(`pngInfo: unsupported PNG colour type ${String(colorType)}`);
  return { width: v.getUint32(16), height: v.getUint32(20), channels };
}
