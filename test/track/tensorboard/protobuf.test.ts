/** The protobuf writer against the wire format's textbook examples, and read back by the independent decoder. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtoWriter } from '../../../src/track/tensorboard/protobuf.js';
import { decodeFields } from '../../../src/track/tensorboard/reader.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('varints, strings and nested messages match the wire-format examples', () => {
  assert.equal(hex(new ProtoWriter().varint(1, 150).finish()), '089601');
  assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
  assert.equal(hex(new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).finish()), '1a03089601');
  assert.equal(hex(new ProtoWriter().varint(2, 2 ** 40).finish()), '10808080808020');
  assert.throws(() => new ProtoWriter().varint(1, -1), /varint must be a safe integer ≥ 0, got -1/);
});

test('doubles are fixed64 and floats fixed32, little-endian; packed doubles are length-delimited', () => {
  assert.equal(hex(new ProtoWriter().double(1, 1).finish()), '09000000000000f03f');
  assert.equal(hex(new ProtoWriter().float(2, 1.5).finish()), '150000c03f');
  assert.equal(hex(new ProtoWriter().packedDoubles(6, [1, 2]).finish()), '3210000000000000f03f0000000000000040');
});

test('decodeFields reads back what the writer wrote', () => {
  const buf = new ProtoWriter().varint(2, 12345678901).string(1, 'tag').double(3, -2.5).float(4, NaN).finish();
  const fs = decodeFields(buf);
  assert.deepEqual(fs.map((f) => [f.field, f.wire]), [[2, 0], [1, 2], [3, 1], [4, 5]]);
  assert.equal(fs[0]!.value, 12345678901);
  assert.equal(new TextDecoder().decode(fs[1]!.value as Uint8Array), 'tag');
  const d = fs[2]!.value as Uint8Array;
  assert.equal(new DataView(d.buffer, d.byteOffset, 8).getFloat64(0, true), -2.5);
});
