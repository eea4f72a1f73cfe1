/**
 * A minimal protobuf encoder: just the wire types TensorBoard's Event needs (varint 0,
 * fixed64 1, length-delimited 2, fixed32 5). Fields are written in the order they are added.
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  private varint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error(`protobuf: varint must be a non-negative safe integer, got ${n}`);
    const bytes: number[] = [];
    while (n >= 0x80) {
      bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    bytes.push(n);
    return this.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wire: 0 | 1 | 2 | 5): this {
    return this.varint(field * 8 + wire);
  }

  /** int32/int64/uint64 field (non-negative values only). */
  uint(field: number, n: number): this {
    return this.tag(field, 0).varint(n);
  }

  double(field: number, x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    return this.tag(field, 1).push(b);
  }

  float(field: number, x: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    return this.tag(field, 5).push(b);
  }

  bytes(field: number, b: Uint8Array): this {
    return this.tag(field, 2).varint(b.length).push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
