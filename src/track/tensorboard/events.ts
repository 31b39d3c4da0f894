/**
 * TensorBoard's Event and Summary messages, encoded by hand (field numbers from TensorBoard's
 * event.proto, summary.proto, tensor.proto and tensor_shape.proto):
 *
 *   Event          wall_time=1 double, step=2 int64, file_version=3 string, summary=5 Summary
 *   Summary        value=1 repeated Value
 *   Summary.Value  tag=1, simple_value=2 float, image=4 Image, histo=5 HistogramProto,
 *                  tensor=8 TensorProto, metadata=9 SummaryMetadata
 *   Summary.Image  height=1, width=2, colorspace=3, encoded_image_string=4
 *   HistogramProto min=1, max=2, num=3, sum=4, sum_squares=5 (doubles),
 *                  bucket_limit=6, bucket=7 (packed doubles)
 *   SummaryMetadata plugin_data=1 {plugin_name=1, content=2}, data_class=4
 *   TensorProto    dtype=1, tensor_shape=2, string_val=8 (repeated bytes)
 *
 * Scalars use simple_value, histograms `histo`, images a PNG in `image`; TensorBoard migrates
 * these legacy forms itself. Text is what the text plugin reads: a DT_STRING tensor with
 * plugin_name 'text'.
 */
import { ProtoWriter } from './protobuf.js';
import type { HistogramSummary } from '../types.js';

export const FILE_VERSION = 'brain.Event:2';

const DT_STRING = 7;
const DATA_CLASS_TENSOR = 2;

export type SummaryValue =
  | { kind: 'scalar'; tag: string; value: number }
  | { kind: 'histogram'; tag: string; histogram: HistogramSummary }
  | { kind: 'image'; tag: string; width: number; height: number; channels: number; png: Uint8Array }
  | { kind: 'text'; tag: string; text: string };

function histogramProto(h: HistogramSummary): ProtoWriter {
  return new ProtoWriter()
    .double(1, h.min)
    .double(2, h.max)
    .double(3, h.num - h.nanCount)
    .double(4, h.sum)
    .double(5, h.sumSquares)
    .packedDoubles(6, h.limits)
    .packedDoubles(7, h.counts);
}

function valueProto(v: SummaryValue): ProtoWriter {
  const w = new ProtoWriter().string(1, v.tag);
  switch (v.kind) {
    case 'scalar':
      return w.float(2, v.value);
    case 'histogram':
      return w.message(5, histogramProto(v.histogram));
    case 'image':
      return w.message(4, new ProtoWriter().varint(1, v.height).varint(2, v.width).varint(3, v.channels).bytes(4, v.png));
    case 'text': {
      const meta = new ProtoWriter().message(1, new ProtoWriter().string(1, 'text')).varint(4, DATA_CLASS_TENSOR);
      // An empty TensorShapeProto is a scalar (rank 0).
      const tensor = new ProtoWriter().varint(1, DT_STRING).message(2, new ProtoWriter()).string(8, v.text);
      return w.message(9, meta).message(8, tensor);
    }
  }
}

/** The first event of every file: its format version. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, FILE_VERSION).finish();
}

/** An event holding one summary with the given values. */
export function summaryEvent(wallTime: number, step: number, values: SummaryValue[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const v of values) summary.message(1, valueProto(v));
  return new ProtoWriter().double(1, wallTime).varint(2, step).message(5, summary).finish();
}
