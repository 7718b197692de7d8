/**
 * A small protocol-buffers writer: the wire format (varints, 64-bit, length-delimited and 32-bit fields)
 * for the few messages nodetorch emits (TensorBoard events, ONNX models). Hand-written rather than a
 * dependency because writing is all that is needed and the format is four rules
 * (https://protobuf.dev/programming-guides/encoding/); the tests decode the output with protobufjs and
 * the .proto schemas, an independent implementation.
 *
 * Fields are written in the order of the calls; a nested message is built with its own writer and
 * embedded with {@link ProtoWriter.message}.
 */

import { ByteWriter } from './byte-writer.js';

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const textEncoder = new TextEncoder();

export class ProtoWriter {
  private readonly out = new ByteWriter(64);

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.out.result();
  }

  get byteLength(): number {
    return this.out.byteLength;
  }

  private byte(b: number): void {
    this.out.byte(b);
  }

  /** A raw varint of a non-negative or negative (two's complement, 10 bytes) integer. */
  private rawVarint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    if (x < 0x80n) {
      this.byte(Number(x));
      return;
    }
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private raw(bytes: Uint8Array): void {
    this.out.bytes(bytes);
  }

  /** int32/int64/uint64/enum/bool field (negative numbers take ten bytes, as protobuf's int64). */
  varint(field: number, v: number | bigint | boolean): this {
    const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (typeof x === 'number' && !Number.isSafeInteger(x)) throw new RangeError(`protobuf: field ${field} expects an integer, got ${x}`);
    this.tag(field, WIRE_VARINT);
    this.rawVarint(x);
    return this;
  }

  /** double field (little-endian IEEE 754 binary64). */
  double(field: number, v: number): this {
    this.tag(field, WIRE_I64);
    this.out.f64s([v]);
    return this;
  }

  /** float field (binary32). */
  float(field: number, v: number): this {
    this.tag(field, WIRE_I32);
    this.out.f32s([v]);
    return this;
  }

  /** bytes field. */
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(b.length);
    this.raw(b);
    return this;
  }

  /** string field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, textEncoder.encode(s));
  }

  /** An embedded message: `build` fills a fresh writer, or pass the message's bytes. */
  message(field: number, build: ((w: ProtoWriter) => void) | ProtoWriter): this {
    let inner: ProtoWriter;
    if (build instanceof ProtoWriter) inner = build;
    else {
      inner = new ProtoWriter();
      build(inner);
    }
    this.embed(field, inner);
    return this;
  }

  /** Another writer's bytes as a length-delimited field. */
  private embed(field: number, inner: ProtoWriter): void {
    this.tag(field, WIRE_LEN);
    this.rawVarint(inner.out.byteLength);
    this.raw(inner.out.written());
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(values.length * 8);
    this.out.f64s(values);
    return this;
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(values.length * 4);
    this.out.f32s(values);
    return this;
  }

  /** A packed repeated int32/int64 field. */
  packedVarints(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.rawVarint(values[i]);
    this.embed(field, inner);
    return this;
  }
}
