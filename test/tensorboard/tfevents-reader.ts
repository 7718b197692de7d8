/**
 * An independent tfevents reader for the tests: TFRecord framing checked with a bitwise CRC-32C (no
 * table, unlike src/util/crc32c.ts), Events decoded by protobufjs from TensorFlow's .proto schemas
 * (event.proto, summary.proto, tensor.proto, trimmed to the fields nodetorch writes).
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package tensorflow;
message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; bool unknown_rank = 3; }
message TensorProto { int32 dtype = 1; TensorShapeProto tensor_shape = 2; int32 version_number = 3; bytes tensor_content = 4; repeated bytes string_val = 8; }
message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true]; repeated double bucket = 7 [packed = true]; }
message SummaryMetadata { message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1; string display_name = 2; string summary_description = 3; }
message Summary { message Value { string node_name = 7; string tag = 1; SummaryMetadata metadata = 9;
    oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; HistogramProto histo = 5; TensorProto tensor = 8; } }
  repeated Value value = 1; }
message SessionLog { enum SessionStatus { STATUS_UNSPECIFIED = 0; START = 1; STOP = 2; CHECKPOINT = 3; }
  SessionStatus status = 1; string checkpoint_path = 2; string msg = 3; }
message Event { double wall_time = 1; int64 step = 2;
  oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; SessionLog session_log = 6; } }
`;

const root = protobuf.parse(SCHEMA).root;
const Event = root.lookupType('tensorflow.Event');

function crc32cBitwise(bytes: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
  }
  return ~c >>> 0;
}

export function masked(bytes: Uint8Array): number {
  const c = crc32cBitwise(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export { crc32cBitwise };

/** Every Event in a tfevents file, as plain objects (longs as numbers, bytes as Uint8Array). */
export function readEvents(path: string): Array<Record<string, any>> {
  const buf = readFileSync(path);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Array<Record<string, any>> = [];
  let off = 0;
  while (off < buf.length) {
    if (off + 12 > buf.length) throw new Error(`${path}: truncated record header at ${off}`);
    const len = Number(dv.getBigUint64(off, true));
    if (dv.getUint32(off + 8, true) !== masked(buf.subarray(off, off + 8))) throw new Error(`${path}: bad length CRC at ${off}`);
    const data = buf.subarray(off + 12, off + 12 + len);
    if (data.length !== len || off + 16 + len > buf.length) throw new Error(`${path}: truncated record at ${off}`);
    if (dv.getUint32(off + 12 + len, true) !== masked(data)) throw new Error(`${path}: bad data CRC at ${off}`);
    out.push(Event.toObject(Event.decode(data), { longs: Number, defaults: false }));
    off += 16 + len;
  }
  return out;
}
