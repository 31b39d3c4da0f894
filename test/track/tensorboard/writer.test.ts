/** TFRecord framing and event files: layout of one record, file name, and every CRC checked by the reader. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { crc32c, unmaskCrc } from '../../../src/track/tensorboard/crc32c.js';
import { EventFileWriter, frameRecord } from '../../../src/track/tensorboard/writer.js';
import { decodeEvent, readRecords } from '../../../src/track/tensorboard/reader.js';

test('a record is length (u64 LE), masked CRC of the length, data, masked CRC of the data', () => {
  const data = new TextEncoder().encode('abc');
  const r = frameRecord(data);
  const v = new DataView(r.buffer);
  assert.equal(r.length, 8 + 4 + 3 + 4);
  assert.equal(v.getBigUint64(0, true), 3n);
  assert.equal(unmaskCrc(v.getUint32(8, true)), crc32c(r.subarray(0, 8)));
  assert.deepEqual(Array.from(r.subarray(12, 15)), [97, 98, 99]);
  assert.equal(unmaskCrc(v.getUint32(15, true)), crc32c(data));
});

test('an event file is named events.out.tfevents.<seconds>.<host> and opens with the file version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-tb-'));
  const w = new EventFileWriter(dir, 1700000123.9);
  w.write(1700000124, 1, [{ kind: 'scalar', tag: 'loss', value: 2 }]);
  w.write(1700000125, 2, [{ kind: 'scalar', tag: 'loss', value: 1 }]);
  w.close();
  assert.equal(basename(w.path), `events.out.tfevents.1700000123.${hostname()}`);
  assert.equal(w.records, 3);
  const recs = readRecords(readFileSync(w.path)).map(decodeEvent);
  assert.equal(recs[0]!.fileVersion, 'brain.Event:2');
  assert.deepEqual(recs.slice(1).map((e) => [e.step, e.values[0]!.tag, e.values[0]!.simpleValue]), [[1, 'loss', 2], [2, 'loss', 1]]);
  assert.throws(() => w.write(1, 1, []), /is closed/);
});
