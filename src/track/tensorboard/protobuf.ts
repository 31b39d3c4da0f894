/**
 * A tiny protocol-buffer writer: just what TensorBoard's Event and Summary messages need
 * (varints, 32/64-bit floats, length-delimited bytes, strings and nested messages, packed
 * doubles). Fields are written in the order the caller adds them; readers accept any order.
 *
 * Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit.
 */

const utf8 = new TextEncoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** Unsigned varint of a safe integer ≥ 0 (NOTE: negative int64 would need 10 bytes; never written here). */
  private rawVarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`protobuf: varint must be a safe integer ≥ 0, got ${v}`);
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  /** int32/int64/enum/bool field (values ≥ 0). */
  varint(field: number, v: number): this {
    this.key(field, 0);
    this.rawVarint(v);
    return this;
  }

  double(field: number, v: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return this.push(b);
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.push(b);
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(b.length);
    return this.push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 8);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setFloat64(i * 8, x, true));
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
