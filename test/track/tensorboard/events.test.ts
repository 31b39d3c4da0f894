/** Event/Summary encoding: protoc decodes every kind of value against TensorBoard's schema. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileVersionEvent, summaryEvent } from '../../../src/track/tensorboard/events.js';
import { decodeEvent } from '../../../src/track/tensorboard/reader.js';
import { summarizeHistogram } from '../../../src/track/histogram.js';
import { encodePng } from '../../../src/track/png.js';
import { protocDecode, protocMissing } from './protoc.js';

const png = encodePng({ width: 2, height: 1, channels: 3, data: new Uint8Array([255, 0, 0, 0, 0, 255]) });
const events = {
  version: fileVersionEvent(1700000000.5),
  scalar: summaryEvent(1700000001.25, 7, [{ kind: 'scalar', tag: 'train/loss', value: 0.5 }, { kind: 'scalar', tag: 'val/loss', value: NaN }]),
  histo: summaryEvent(1700000002, 3, [{ kind: 'histogram', tag: 'weights/fc.weight', histogram: summarizeHistogram([1, 2, 3, 4], 2) }]),
  image: summaryEvent(1700000003, 4, [{ kind: 'image', tag: 'recon', width: 2, height: 1, channels: 3, png }]),
  text: summaryEvent(1700000004, 5, [{ kind: 'text', tag: 'notes', text: 'héllo | *world*' }]),
};

test('protoc decodes the file-version, scalar, histogram, image and text events', (t) => {
  const why = protocMissing();
  if (why) return t.skip(why);
  assert.equal(protocDecode(events.version), 'wall_time: 1700000000.5\nfile_version: "brain.Event:2"\n');
  const s = protocDecode(events.scalar);
  assert.match(s, /^wall_time: 1700000001\.25\nstep: 7\nsummary \{/);
  assert.match(s, /value \{\s+tag: "train\/loss"\s+simple_value: 0\.5\s+\}/);
  assert.match(s, /value \{\s+tag: "val\/loss"\s+simple_value: nan\s+\}/);
  const h = protocDecode(events.histo);
  assert.match(h, /tag: "weights\/fc.weight"\s+histo \{\s+min: 1\s+max: 4\s+num: 4\s+sum: 10\s+sum_squares: 30\s+bucket_limit: 2\.5\s+bucket_limit: 4\s+bucket: 2\s+bucket: 2\s+\}/);
  const i = protocDecode(events.image);
  assert.match(i, /step: 4/);
  assert.match(i, /tag: "recon"\s+image \{\s+height: 1\s+width: 2\s+colorspace: 3\s+encoded_image_string: "\\211PNG/);
  const x = protocDecode(events.text);
  assert.match(x, /tag: "notes"\s+tensor \{\s+dtype: DT_STRING\s+tensor_shape \{\s+\}\s+string_val: "h\\303\\251llo \| \*world\*"\s+\}\s+metadata \{\s+plugin_data \{\s+plugin_name: "text"\s+\}\s+data_class: DATA_CLASS_TENSOR/);
  // No field outside the schema: protoc prints unknown fields as bare numbers.
  for (const e of Object.values(events)) assert.doesNotMatch(protocDecode(e), /^\s*\d+:/m);
});

test('the independent decoder reads the same values', () => {
  assert.deepEqual(decodeEvent(events.version), { wallTime: 1700000000.5, step: 0, fileVersion: 'brain.Event:2', values: [] });
  const s = decodeEvent(events.scalar);
  assert.deepEqual([s.step, s.values[0]!.tag, s.values[0]!.simpleValue, s.values[1]!.tag], [7, 'train/loss', 0.5, 'val/loss']);
  assert.ok(Number.isNaN(s.values[1]!.simpleValue));
  assert.deepEqual(decodeEvent(events.histo).values[0]!.histo, { min: 1, max: 4, num: 4, sum: 10, sumSquares: 30, limits: [2.5, 4], counts: [2, 2] });
  const im = decodeEvent(events.image).values[0]!.image!;
  assert.deepEqual([im.width, im.height, im.colorspace, Buffer.from(im.png).equals(Buffer.from(png))], [2, 1, 3, true]);
  const tx = decodeEvent(events.text).values[0]!;
  assert.deepEqual([tx.pluginName, tx.strings], ['text', ['héllo | *world*']]);
});
