/**
 * Event files as TensorBoard reads them: `events.out.tfevents.<seconds>.<host>`, a sequence of
 * TFRecords — uint64 length (little-endian), masked CRC-32C of those 8 bytes, the Event bytes,
 * masked CRC-32C of the Event bytes. The file opens with a file_version event. Every record
 * is appended at once, so TensorBoard sees a live file grow.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { maskedCrc32c } from './crc32c.js';
import { fileVersionEvent, summaryEvent, type SummaryValue } from './events.js';

/** Frame one record: length, its CRC, data, data CRC. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(data.length), true);
  v.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  v.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export class EventFileWriter {
  readonly path: string;
  private fd: number | null;
  records = 0;

  /** The name TensorBoard expects for a file started at `wallTime` on this host. */
  static fileName(wallTime: number): string {
    return `events.out.tfevents.${Math.floor(wallTime)}.${hostname()}`;
  }

  /** `fileName` overrides the name (an export writes a temporary file, renamed when complete). */
  constructor(dir: string, wallTime = Date.now() / 1000, fileName?: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, fileName ?? EventFileWriter.fileName(wallTime));
    this.fd = openSync(this.path, fileName !== undefined ? 'w' : 'a');
    this.writeRecord(fileVersionEvent(wallTime));
  }

  writeRecord(data: Uint8Array): void {
    if (this.fd === null) throw new Error(`EventFileWriter: ${this.path} is closed`);
    writeSync(this.fd, frameRecord(data));
    this.records++;
  }

  write(wallTime: number, step: number, values: SummaryValue[]): void {
    this.writeRecord(summaryEvent(wallTime, step, values));
  }

  /** Flush what was written to the disk. */
  sync(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
