/** PNG encoder: CRC-32 vector, chunk CRCs, header fields and the pixels after inflating. */
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { test } from 'node:test';
import { crc32, encodePng, pngInfo } from '../../src/track/png.js';

function chunks(png: Uint8Array): { type: string; body: Uint8Array }[] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; body: Uint8Array }[] = [];
  for (let o = 8; o < png.length; ) {
    const len = v.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const body = png.subarray(o + 8, o + 8 + len);
    assert.equal(v.getUint32(o + 8 + len), crc32(png.subarray(o + 4, o + 8 + len)), `CRC of chunk ${type}`);
    out.push({ type, body });
    o += 12 + len;
  }
  return out;
}

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('grey floats in [0,1] are clamped and scaled; NaN becomes 0', () => {
  const png = encodePng({ width: 3, height: 2, data: new Float32Array([0, 0.5, 1, 2, -1, NaN]) });
  const cs = chunks(png);
  assert.deepEqual(cs.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
  assert.deepEqual(Array.from(cs[0]!.body), [0, 0, 0, 3, 0, 0, 0, 2, 8, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(inflateSync(cs[1]!.body)), [0, 0, 128, 255, 0, 255, 0, 0]);
});

test('RGBA bytes are stored as given, one filter byte per row', () => {
  const data = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => i * 10);
  const png = encodePng({ width: 2, height: 2, channels: 4, data });
  assert.deepEqual(pngInfo(png), { width: 2, height: 2, channels: 4 });
  const idat = chunks(png)[1]!.body;
  assert.deepEqual(Array.from(inflateSync(idat)), [0, ...data.subarray(0, 8), 0, ...data.subarray(8)]);
});

test('wrong sizes are refused with the numbers', () => {
  assert.throws(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) }), /2×2×3 image needs 12 values, got 11/);
  assert.throws(() => encodePng({ width: 0, height: 2, data: [] }), /width and height must be integers ≥ 1, got 0×2/);
});
