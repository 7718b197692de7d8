/**
 * A growable byte buffer that binary writers build their output in (the pickler of .pth files, the
 * protobuf writer of TensorBoard events and ONNX models): it doubles its capacity when a write needs more.
 * Multi-byte numbers are little-endian unless the method name ends in `be`.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  /** An empty writer with room for `capacity` bytes before the first growth. */
  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** The number of bytes written so far. */
  get byteLength(): number {
    return this.len;
  }

  /** Room for n more bytes. */
  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.len, v, true);
    this.len += 2;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }

  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.len, v, true);
    this.len += 4;
  }

  f64be(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.len, v, false);
    this.len += 8;
  }

  /** Each value as a binary32. */
  f32s(values: ArrayLike<number>): void {
    this.reserve(values.length * 4);
    for (let i = 0; i < values.length; i++) this.view.setFloat32(this.len + i * 4, values[i], true);
    this.len += values.length * 4;
  }

  /** Each value as a binary64. */
  f64s(values: ArrayLike<number>): void {
    this.reserve(values.length * 8);
    for (let i = 0; i < values.length; i++) this.view.setFloat64(this.len + i * 8, values[i], true);
    this.len += values.length * 8;
  }

  /** The bytes written so far, not copied: valid until the next write. */
  written(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** The bytes written so far (a copy). */
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
