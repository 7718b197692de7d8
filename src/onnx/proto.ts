/**
 * ONNX ModelProto encoding (onnx/onnx.proto, IR version 8): ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto and AttributeProto, written with the small ProtoWriter.
 *
 * Hand-written on purpose: writing these six messages is all the export needs, so the package keeps no
 * runtime dependency for it (no protobufjs, no generated code); the tests check the bytes with two
 * independent readers, onnxruntime-node and (where installed) Python's onnx.checker.
 */
import { ProtoWriter } from '../util/protobuf.js';

/** TensorProto.DataType values used here. */
export const ONNX_DTYPE = { float32: 1, int64: 7, bool: 9 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

/** An attribute value, tagged with its AttributeProto type (JS numbers do not say int or float). */
export type OnnxAttr =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'strings'; readonly value: readonly string[] };

/** One ONNX node: op type, inputs, outputs and attributes. */
export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  inputs: string[];
  outputs: string[];
  readonly attrs: Readonly<Record<string, OnnxAttr>>;
}

/** One initializer: a named tensor stored in the model (a parameter, buffer or constant). */
export interface OnnxInitializer {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}

/** A graph input or output: element type and shape, a string dim being a named dynamic axis (dim_param). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly (number | string)[];
}

/** The exported graph: nodes, initializers, inputs and outputs, before encoding. */
export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModelInfo {
  readonly irVersion: number;
  readonly opsetVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
}

// AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

/** raw_data: little-endian element bytes, as TensorProto specifies whatever the host order. */
function rawData(dtype: OnnxDType, data: ArrayLike<number>): Uint8Array {
  const size = dtype === 'float32' ? 4 : dtype === 'int64' ? 8 : 1;
  const bytes = new Uint8Array(data.length * size);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) {
    if (dtype === 'float32') dv.setFloat32(i * 4, data[i], true);
    else if (dtype === 'int64') dv.setBigInt64(i * 8, BigInt(data[i]), true);
    else bytes[i] = data[i] ? 1 : 0;
  }
  return bytes;
}

function writeTensor(w: ProtoWriter, t: OnnxInitializer): void {
  if (t.dims.length > 0) w.packedVarints(1, t.dims); // dims
  w.varint(2, ONNX_DTYPE[t.dtype]); // data_type
  w.string(8, t.name); // name
  w.bytes(9, rawData(t.dtype, t.data)); // raw_data
}

function writeAttr(w: ProtoWriter, name: string, a: OnnxAttr): void {
  w.string(1, name);
  w.varint(20, ATTR_TYPE[a.type]); // type
  switch (a.type) {
    case 'float': w.float(2, a.value); break;
    case 'int': w.varint(3, a.value); break;
    case 'string': w.string(4, a.value); break;
    case 'floats': w.packedFloats(7, a.value); break;
    case 'ints': w.packedVarints(8, a.value); break;
    case 'strings': for (const s of a.value) w.string(9, s); break;
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, a] of Object.entries(n.attrs)) w.message(5, (aw) => writeAttr(aw, k, a));
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  // TypeProto.tensor_type (1) -> elem_type (1), shape (2) -> dim (1) -> dim_value (1) | dim_param (2)
  w.message(2, (tw) => tw.message(1, (tt) => {
    tt.varint(1, ONNX_DTYPE[v.dtype]);
    tt.message(2, (sw) => {
      for (const d of v.dims) sw.message(1, (dw) => (typeof d === 'string' ? dw.string(2, d) : dw.varint(1, d)));
    });
  }));
}

function writeGraph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (nw) => writeNode(nw, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (tw) => writeTensor(tw, t));
  for (const v of g.inputs) w.message(11, (vw) => writeValueInfo(vw, v));
  for (const v of g.outputs) w.message(12, (vw) => writeValueInfo(vw, v));
}

/** The serialized ModelProto of `graph` (default domain '' at info.opsetVersion). */
export function encodeModel(graph: OnnxGraph, info: OnnxModelInfo): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, info.irVersion); // ir_version
  w.string(2, info.producerName); // producer_name
  w.string(3, info.producerVersion); // producer_version
  w.message(7, (gw) => writeGraph(gw, graph)); // graph
  w.message(8, (ow) => ow.string(1, '').varint(2, info.opsetVersion)); // opset_import
  return w.finish();
}
