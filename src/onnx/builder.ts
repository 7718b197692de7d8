/**
 * GraphBuilder: collects ONNX nodes and initializers while the exporter walks a traced forward, and
 * hands each op mapping (./mappings.ts) a small context to emit its nodes with.
 */
import type { Tensor, DType } from '../tensor.js';
import type { OpAttrs } from '../autograd/record.js';
import type { OnnxAttr, OnnxDType, OnnxInitializer, OnnxNode } from './proto.js';

/** A value in the graph: its name, the sample's shape and which dims are dynamic (vary at run time). */
export interface GraphValue {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dyn: readonly boolean[];
  readonly dtype: DType;
}

/** Attribute constructors: ONNX needs int and float told apart. */
export const attr = {
  int: (value: number | boolean): OnnxAttr => ({ type: 'int', value: Number(value) }),
  float: (value: number): OnnxAttr => ({ type: 'float', value }),
  ints: (value: readonly number[]): OnnxAttr => ({ type: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttr => ({ type: 'floats', value }),
  string: (value: string): OnnxAttr => ({ type: 'string', value }),
  strings: (value: readonly string[]): OnnxAttr => ({ type: 'strings', value }),
};

/** Thrown by a mapping that cannot express an op exactly; the exporter adds the op's name and module. */
export class ExportError extends Error {}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A name not used yet, from `base`. */
  fresh(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Reserve an exact name (inputs, initializers named by state-dict keys). */
  claim(name: string): string {
    if (this.used.has(name)) throw new ExportError(`the name '${name}' is used twice in the graph`);
    this.used.add(name);
    return name;
  }

  addNode(opType: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}, nOutputs = 1): string[] {
    const outputs = Array.from({ length: nOutputs }, () => this.fresh(`${opType.toLowerCase()}_out`));
    this.nodes.push({ opType, name: this.fresh(`${opType}_${this.nodes.length}`), inputs, outputs, attrs });
    return outputs;
  }

  addInitializer(name: string, dtype: OnnxDType, dims: readonly number[], data: ArrayLike<number>): string {
    this.initializers.push({ name, dtype, dims: [...dims], data });
    return name;
  }

  /** A constant initializer with a fresh name. */
  constant(dtype: OnnxDType, dims: readonly number[], data: ArrayLike<number>): string {
    return this.addInitializer(this.fresh('const'), dtype, dims, data);
  }

  /** Rename a value everywhere (graph outputs take the names the user asked for). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.inputs = n.inputs.map((v) => (v === from ? to : v));
      n.outputs = n.outputs.map((v) => (v === from ? to : v));
    }
  }
}

/** What a mapping sees of one recorded op, and how it emits nodes. */
export interface MapContext {
  /** The recorded op name, e.g. 'ConvolutionBackward0'. */
  readonly op: string;
  /** The op's attributes as recorded (empty when it passed none). */
  readonly attrs: OpAttrs;
  /** The graph values of the op's tensor inputs (null where the op had none, e.g. no bias). */
  readonly inputs: readonly (GraphValue | null)[];
  /** The op's output in the sample run. */
  readonly out: { readonly shape: readonly number[]; readonly dtype: DType };
  /** The opset being written (13 to 17): operators newer than it are decomposed. */
  readonly opset: number;
  /** A reshape's input and output shapes in the probe forward (dynamic axes one longer), or null. */
  readonly probe: { readonly inShape: readonly number[]; readonly outShape: readonly number[] } | null;
  /** Emit a node; returns its (first) output name. */
  node(opType: string, inputs: string[], attrs?: Record<string, OnnxAttr>): string;
  /** A 1-D int64 constant (shape tensors, axes, pads). */
  int64s(values: readonly number[]): string;
  /** A float32 scalar constant. */
  scalar(value: number): string;
  /** An int64 scalar constant. */
  constI64Scalar(value: number): string;
  /** A float32 constant of the given shape. */
  constF32(dims: readonly number[], values: readonly number[]): string;
  /** The graph name of a tensor that the op kept as an attribute (batch-norm running statistics). */
  tensor(t: Tensor): string;
  /** {@link MapContext.tensor} with the value's shape and dynamic dims. */
  tensorValue(t: Tensor): GraphValue;
  /** Emit a node with n outputs (LSTM's Y, Y_h, Y_c); returns their names. */
  nodeN(opType: string, inputs: string[], attrs: Record<string, OnnxAttr>, n: number): string[];
  /** Run another mapping (fused ops: conv + relu) and return its result. */
  map(op: string): MapResult;
}

/** A mapping's result: the value holding the op's output, and its dynamic dims when not the default. */
export type MapResult = string | { readonly name: string; readonly dyn: readonly boolean[] };

/** An op's translation to ONNX nodes. */
export type OnnxMapping = (c: MapContext) => MapResult;

/** The graph value of the op's input i (an export error when the op had none there). */
export function inputOf(c: MapContext, i: number): GraphValue {
  const v = c.inputs[i];
  if (!v) throw new ExportError(`input ${i} is missing`);
  return v;
}
