/** The record reader refuses damaged files and says where: a flipped bit, a cut-off record. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameRecord } from '../../../src/track/tensorboard/writer.js';
import { RecordError, decodeFields, readRecords } from '../../../src/track/tensorboard/reader.js';

const two = (): Uint8Array => Buffer.concat([frameRecord(new TextEncoder().encode('first')), frameRecord(new TextEncoder().encode('second!'))]);

test('intact records are split and returned in order', () => {
  assert.deepEqual(readRecords(two()).map((r) => new TextDecoder().decode(r)), ['first', 'second!']);
  assert.deepEqual(readRecords(new Uint8Array(0)), []);
});

test('a flipped data bit fails the data CRC of that record, naming its offset', () => {
  const f = two();
  f[21 + 12 + 2]! ^= 0x10; // inside the second record's data (first record is 12 + 5 + 4 = 21 bytes)
  assert.throws(() => readRecords(f), (e: unknown) => e instanceof RecordError && e.offset === 21 && /data CRC/.test(e.message));
});

test('a damaged length or a cut-off file is refused', () => {
  const f = two();
  f[0] = 6;
  assert.throws(() => readRecords(f), /TFRecord at byte 0: length CRC/);
  assert.throws(() => readRecords(two().subarray(0, 30)), /TFRecord at byte 21: truncated header/);
  assert.throws(() => readRecords(two().subarray(0, 40)), /TFRecord at byte 21: truncated data/);
  assert.throws(() => decodeFields(Uint8Array.of(0x08, 0x96)), /varint runs past the end/);
});
