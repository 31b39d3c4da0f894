/**
 * Streaming: data that should not sit in memory whole, read piece by piece. Lines of a text file
 * (sync, read in 4 MB chunks, or async), batches from any Iterable or AsyncIterable, and a seeded
 * shuffle buffer (as tf.data and torch's IterableDataset pipelines use) for streams that cannot
 * be indexed.
 *
 * Why both: a sync reader is simplest where a whole file is converted once (word vectors to a
 * cached binary); async iteration lets a training loop overlap reading with computing.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { checkOptions, num } from '../../tensor/options.js';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Generator } from '../../tensor/random.js';
import { isGzip, requireFile } from './files.js';

/** Lines of a plain-text file, without their '\n' (and '\r'), read in chunks; sync. */
export function* readLinesSync(path: string, chunkSize = 1 << 22): IterableIterator<string> {
  requireFile(path, 'text file');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkSize);
    let rest: Buffer = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, buf, 0, chunkSize, null);
      if (n === 0) break;
      const data = rest.length ? Buffer.concat([rest, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (let i = data.indexOf(10, start); i >= 0; i = data.indexOf(10, start)) {
        const end = i > start && data[i - 1] === 13 ? i - 1 : i;
        yield data.toString('utf8', start, end);
        start = i + 1;
      }
      rest = Buffer.from(data.subarray(start));
    }
    if (rest.length) yield rest.toString('utf8').replace(/\r$/, '');
  } finally {
    closeSync(fd);
  }
}

/** Lines of a text file, plain or gzipped, streamed asynchronously. */
export async function* readLines(path: string): AsyncGenerator<string> {
  requireFile(path, 'text file');
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(2);
  readSync(fd, head, 0, 2, 0);
  closeSync(fd);
  const src = createReadStream(path);
  const input = isGzip(head) ? src.pipe(createGunzip()) : src;
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    src.destroy();
  }
}

/** Groups items of a stream into arrays of `batchSize` (the last may be shorter unless dropLast). */
export async function* batchStream<T>(source: Iterable<T> | AsyncIterable<T>, batchSize: number, opts: { dropLast?: boolean } = {}): AsyncGenerator<T[]> {
  checkOptions('batchStream', opts, { dropLast: 'boolean' });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchStream: batchSize must be a positive integer, got ${batchSize}`);
  let cur: T[] = [];
  for await (const x of source as AsyncIterable<T>) {
    cur.push(x);
    if (cur.length === batchSize) {
      yield cur;
      cur = [];
    }
  }
  if (cur.length && !opts.dropLast) yield cur;
}

/**
 * A seeded shuffle of a stream through a buffer of `bufferSize` items: each output is drawn at
 * random from the buffer and replaced by the next input. A buffer as large as the stream gives a
 * full shuffle; smaller ones trade randomness for memory.
 */
export async function* shuffleStream<T>(source: Iterable<T> | AsyncIterable<T>, bufferSize: number, gen: Generator = new Generator(0)): AsyncGenerator<T> {
  if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new RangeError(`shuffleStream: bufferSize must be a positive integer, got ${bufferSize}`);
  const buf: T[] = [];
  for await (const x of source as AsyncIterable<T>) {
    if (buf.length < bufferSize) {
      buf.push(x);
      continue;
    }
    const j = gen.int(bufferSize);
    const out = buf[j];
    buf[j] = x;
    yield out;
  }
  gen.shuffle(buf);
  yield* buf;
}

/** Maps each item of a stream (the transform may be async). */
export async function* mapStream<T, U>(source: Iterable<T> | AsyncIterable<T>, fn: (x: T) => U | Promise<U>): AsyncGenerator<U> {
  for await (const x of source as AsyncIterable<T>) yield await fn(x);
}

export interface StreamLoaderOptions<T, B> {
  batchSize: number;
  /** Shuffle through a buffer of this many items (default: no shuffle). */
  shuffleBuffer?: number;
  gen?: Generator;
  dropLast?: boolean;
  /** Builds a batch from items (default: the array of items). */
  collate?: (items: T[]) => B;
}

/**
 * A DataLoader for streams: each epoch (each `for await`) calls `open()` for a fresh stream,
 * shuffles it through a seeded buffer when asked, and yields collated batches. Use it for data
 * that does not fit in memory (IMDB files, IDX records, lines of a large file).
 */
export class StreamLoader<T, B = T[]> implements AsyncIterable<B> {
  constructor(readonly open: () => Iterable<T> | AsyncIterable<T>, readonly opts: StreamLoaderOptions<T, B>) {
    checkOptions('StreamLoader', opts, { batchSize: num({ min: 1, integer: true }), shuffleBuffer: num({ min: 0, integer: true }), gen: 'any', dropLast: 'boolean', collate: 'function' });
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`StreamLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const gen = this.opts.gen ?? new Generator(0);
    let src: Iterable<T> | AsyncIterable<T> = this.open();
    if (this.opts.shuffleBuffer) src = shuffleStream(src, this.opts.shuffleBuffer, gen);
    const collate = this.opts.collate ?? ((items: T[]) => items as unknown as B);
    for await (const items of batchStream(src, this.opts.batchSize, { dropLast: this.opts.dropLast })) yield collate(items);
  }
}
