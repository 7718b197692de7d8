/**
 * onnx.exportModel: trace one eval-mode forward of a module and write it as an ONNX model.
 *
 * Tracing: every differentiable op calls record() (src/autograd/record.ts); while a trace is active,
 * record() also reports (output, op name, inputs, attributes) to the tracer here. The sample inputs
 * require grad, so every op downstream of them records. The exporter then walks back from the outputs:
 * a traced tensor becomes the output of its op's ONNX nodes (./mappings.ts), a sample input a graph
 * input, a parameter or buffer an initializer named by its state-dict key, any other leaf a constant.
 * A tensor with history that the trace did not see, or an op without a mapping, is an error naming the
 * op and the module that ran it: the export never writes a silently different graph.
 *
 * Ops whose inputs need no grad (a bool mask or int64 index input, and what is built from it) are
 * reported to the tracer too, and become nodes where the graph reaches them. With dynamicAxes, a second
 * forward with those input axes one longer (./probe.ts) tells which dims of each reshape follow them.
 */
import { Tensor, setTensorCreationHook, type DType } from '../tensor.js';
import { setTracer, type OpAttrs, type TraceHook } from '../autograd/record.js';
import { isGradEnabled, setGradEnabled } from '../autograd/grad-mode.js';
import { Module } from '../nn/module.js';
import * as nnExports from '../nn/index.js';
import * as modelExports from '../models/index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { describeValue } from '../util/describe.js';
import { encodeModel, type OnnxGraph, type OnnxValueInfo } from './proto.js';
import { ExportError, GraphBuilder, type GraphValue, type MapContext, type MapResult } from './builder.js';
import { ONNX_MAPPINGS } from './mappings.js';
import { grown, pairReshapes, type ProbeShapes, type TraceLog } from './probe.js';
import { ZERO_STATE_INPUTS } from './rnn-mappings.js';

const OP = 'onnx.exportModel';

/** Any module whose forward takes tensors (methods compare bivariantly, so every nn layer fits). */
export type TracedModule = Module<Tensor[], unknown>;

/** Opsets whose operator forms the mappings use (Unsqueeze/ReduceSum axes as inputs: 13+; ReduceMean axes attribute: up to 17). */
const MIN_OPSET = 13;
const MAX_OPSET = 17;
/** The IR version each opset came with (onnx/docs/Versioning.md). */
const IR_VERSION: Readonly<Record<number, number>> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8 };
const PRODUCER_VERSION = '0.1.0';

/** Named dynamic axes of one input or output: `{ 0: 'batch' }`, or a list of axes (names made up). */
export type DynamicAxes = Readonly<Record<number, string>> | readonly number[];

export interface ExportOptions {
  /** ONNX opset of the default domain, 13 to 17. Default 17. */
  opsetVersion?: number;
  /** Graph input names, one per sample input. Default 'input' (or 'input_0', 'input_1', ...). */
  inputNames?: readonly string[];
  /** Graph output names, one per output. Default 'output' (or 'output_0', ...). */
  outputNames?: readonly string[];
  /** Per input/output name, the axes that vary at run time, as torch.onnx.export's dynamic_axes. */
  dynamicAxes?: Readonly<Record<string, DynamicAxes>>;
}

/** What was exported: the ModelProto bytes and the graph they encode. */
export interface ExportResult {
  readonly bytes: Uint8Array;
  readonly graph: OnnxGraph;
  readonly opsetVersion: number;
}

interface TracedOp {
  readonly name: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly attrs: OpAttrs | undefined;
}

const EMPTY_ATTRS: OpAttrs = Object.freeze({});

/**
 * Trace `model` in eval mode on `sampleInput` and write the ONNX model to `path` atomically (temp file
 * + rename). The model's training flag is restored afterwards; its parameters are not changed.
 *
 * Shapes are the sample's, except the axes named in `dynamicAxes`; reshapes keep those dynamic.
 * @example
 * onnx.exportModel(model, randn([1, 1, 1200]), 'model.onnx', {
 *   inputNames: ['signal'], outputNames: ['logits'],
 *   dynamicAxes: { signal: { 0: 'batch' }, logits: { 0: 'batch' } },
 * });
 */
export function exportModel(
  model: TracedModule, sampleInput: Tensor | readonly Tensor[], path: string, opts: ExportOptions = {},
): ExportResult {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${OP}: expected path to be a non-empty string, got ${describeValue(path)}`);
  const result = exportModelToBytes(model, sampleInput, opts);
  writeFileAtomic(path, result.bytes);
  return result;
}

/** {@link exportModel} without the file: the ModelProto bytes and the graph. */
export function exportModelToBytes(model: TracedModule, sampleInput: Tensor | readonly Tensor[], opts: ExportOptions = {}): ExportResult {
  if (!(model instanceof Module)) throw new TypeError(`${OP}: expected model to be an nn.Module, got ${describeValue(model)}`);
  const samples = sampleInput instanceof Tensor ? [sampleInput] : sampleInput;
  if (!Array.isArray(samples) || samples.length === 0 || samples.some((t) => !(t instanceof Tensor))) {
    throw new TypeError(`${OP}: expected sampleInput to be a Tensor or a non-empty array of Tensors, got ${describeValue(sampleInput)}`);
  }
  if (!samples.some((t) => t.dtype === 'float32')) {
    throw new TypeError(`${OP}: expected at least one float32 sample input (the ops to trace start there), got ${samples.map((t) => t.dtype).join(', ')}`);
  }
  const opset = opts.opsetVersion ?? MAX_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new RangeError(`${OP}: expected opsetVersion to be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opset)}`);
  }
  const inputNames = names('inputNames', opts.inputNames, samples.length, 'input');

  const inputs = samples.map(traceInput);
  const { outputs, traced, created } = trace(model, inputs);
  const outputNames = names('outputNames', opts.outputNames, outputs.length, 'output');
  const shared = outputNames.find((n) => inputNames.includes(n));
  if (shared !== undefined) throw new RangeError(`${OP}: '${shared}' names both an input and an output`);
  const dynamic = parseDynamicAxes(opts.dynamicAxes ?? {}, [
    ...inputNames.map((n, i) => [n, inputs[i].ndim] as const),
    ...outputNames.map((n, i) => [n, outputs[i].ndim] as const),
  ]);

  const probes = probeReshapes(model, samples, inputNames, dynamic, traced);
  let graph: OnnxGraph;
  try {
    graph = buildGraph(model, inputs, inputNames, outputs, outputNames, traced, created, dynamic, probes, opset);
  } catch (e) {
    if (e instanceof OpError) throw new RangeError(`${OP}: ${e.message} (from ${findModule(model, samples, e.tensor)})`);
    if (e instanceof ExportError) throw new RangeError(`${OP}: ${e.message}`); // e.g. a name used twice
    throw e;
  }
  const bytes = encodeModel(graph, { irVersion: IR_VERSION[opset], opsetVersion: opset, producerName: 'nodetorch', producerVersion: PRODUCER_VERSION });
  return { bytes, graph, opsetVersion: opset };
}

function names(key: string, given: readonly string[] | undefined, n: number, base: string): string[] {
  if (given === undefined) return n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}_${i}`);
  if (!Array.isArray(given) || given.some((s) => typeof s !== 'string' || s === '')) {
    throw new TypeError(`${OP}: expected ${key} to be an array of non-empty strings, got ${describeValue(given)}`);
  }
  if (given.length !== n) throw new RangeError(`${OP}: expected ${n} ${key} (one per ${base}), got ${given.length}`);
  if (new Set(given).size !== n) throw new RangeError(`${OP}: ${key} must be distinct, got [${given.join(', ')}]`);
  return [...given];
}

/** name -> axis -> dim_param, checked against the known names and ranks. */
function parseDynamicAxes(axes: Readonly<Record<string, DynamicAxes>>, known: readonly (readonly [string, number])[]): Map<string, Map<number, string>> {
  if (axes === null || typeof axes !== 'object') throw new TypeError(`${OP}: expected dynamicAxes to be an object, got ${describeValue(axes)}`);
  const rank = new Map(known);
  const out = new Map<string, Map<number, string>>();
  for (const [name, spec] of Object.entries(axes)) {
    const r = rank.get(name);
    if (r === undefined) throw new RangeError(`${OP}: dynamicAxes names '${name}', which is not an input or output name (${[...rank.keys()].join(', ')})`);
    const entries: [number, string][] = Array.isArray(spec)
      ? (spec as number[]).map((a) => [a, `${name}_dynamic_axes_${a}`])
      : Object.entries(spec as Record<string, string>).map(([a, n]) => [Number(a), n]);
    const m = new Map<number, string>();
    for (const [a, n] of entries) {
      if (!Number.isInteger(a) || a < 0 || a >= r) throw new RangeError(`${OP}: dynamicAxes['${name}'] has axis ${String(a)}, expected 0 to ${r - 1}`);
      if (typeof n !== 'string' || n === '') throw new TypeError(`${OP}: dynamicAxes['${name}'][${a}] must be a non-empty string, got ${describeValue(n)}`);
      m.set(a, n);
    }
    out.set(name, m);
  }
  return out;
}

/**
 * With dynamic input axes: the reshapes of a second forward whose dynamic axes are one longer (./probe.ts),
 * or none when that forward fails or records other ops (the single-trace rules then apply).
 */
function probeReshapes(
  model: TracedModule, samples: readonly Tensor[], inputNames: readonly string[], dynamic: Map<string, Map<number, string>>, traced: TraceLog,
): Map<Tensor, ProbeShapes> {
  const axes = inputNames.map((n) => new Set(dynamic.get(n)?.keys() ?? []));
  if (axes.every((a) => a.size === 0)) return new Map();
  try {
    return pairReshapes(traced, trace(model, samples.map((t, i) => traceInput(grown(t, axes[i])))).traced);
  } catch {
    return new Map();
  }
}

/** One eval-mode forward with the tracer on; training mode, grad mode and the tracer are restored. */
function trace(model: TracedModule, inputs: Tensor[]): { outputs: Tensor[]; traced: Map<Tensor, TracedOp>; created: WeakSet<Tensor> } {
  const traced = new Map<Tensor, TracedOp>();
  const created = new WeakSet<Tensor>();
  const prevHook = setTensorCreationHook((t) => created.add(t));
  let result: unknown;
  try {
    result = tracedForward(model, inputs, (out, name, ins, attrs) => traced.set(out, { name, inputs: ins, attrs }));
  } finally {
    setTensorCreationHook(prevHook);
  }
  const outputs = result instanceof Tensor ? [result] : result;
  if (!Array.isArray(outputs) || outputs.length === 0 || outputs.some((t) => !(t instanceof Tensor))) {
    throw new TypeError(`${OP}: expected the model's forward to return a Tensor or an array of Tensors, got ${describeValue(result)}`);
  }
  return { outputs, traced, created };
}

/**
 * A fresh leaf over a sample's storage: float inputs require grad so every op downstream records;
 * int64 and bool inputs (class targets, masks) are graph inputs that ops read without recording.
 */
function traceInput(t: Tensor): Tensor {
  const x = new Tensor(t.data, t.shape, t.dtype);
  return t.dtype === 'float32' ? x.requiresGrad_(true) : x;
}

/** model.forward(...inputs) in eval mode with grad on and `hook` as the tracer; all three restored after. */
function tracedForward(model: TracedModule, inputs: Tensor[], hook: TraceHook): unknown {
  const wasTraining = model.training;
  const gradWas = isGradEnabled();
  const prevTracer = setTracer(hook);
  try {
    model.eval();
    setGradEnabled(true);
    return model.forward(...inputs);
  } finally {
    setTracer(prevTracer);
    setGradEnabled(gradWas);
    model.train(wasTraining);
  }
}

/** An export error tied to the tensor whose op caused it, so the module that ran the op can be named. */
class OpError extends Error {
  constructor(message: string, readonly tensor: Tensor) {
    super(message);
  }
}

function buildGraph(
  model: TracedModule, inputs: Tensor[], inputNames: string[], outputs: Tensor[], outputNames: string[],
  traced: Map<Tensor, TracedOp>, created: WeakSet<Tensor>, dynamic: Map<string, Map<number, string>>,
  probes: ReadonlyMap<Tensor, ProbeShapes>, opset: number,
): OnnxGraph {
  const g = new GraphBuilder();
  const values = new Map<Tensor, GraphValue>();
  const inputSet = new Set<Tensor>();
  const graphInputs: OnnxValueInfo[] = inputs.map((t, i) => {
    const name = g.claim(inputNames[i]);
    const axes = dynamic.get(name) ?? new Map<number, string>();
    values.set(t, { name, shape: t.shape, dyn: t.shape.map((_, a) => axes.has(a)), dtype: t.dtype });
    inputSet.add(t);
    return { name, dtype: onnxDtype(t.dtype), dims: t.shape.map((s, a) => axes.get(a) ?? s) };
  });
  const stateKeys = new Map<Tensor, string>();
  for (const [k, b] of model.namedBuffers()) stateKeys.set(b, k);
  for (const [k, p] of model.namedParameters()) stateKeys.set(p, k);

  const leaf = (t: Tensor, user: Tensor): GraphValue => {
    const key = stateKeys.get(t);
    if (key === undefined && created.has(t) && (t.numel() > 1 || t.dtype !== 'float32')) {
      // Made during the forward without history: a comparison, argmax, toDtype or detach of traced values
      // would be frozen at the sample's result, so only number scalars pass (add(x, 2)).
      throw new OpError(`${t.dtype === 'int64' ? 'an' : 'a'} ${t.dtype} tensor of shape (${t.shape.join(', ')}) made during the forward without autograd history feeds '${traced.get(user)?.name}': results of comparisons, argmax, toDtype or detach cannot be traced; register constants as buffers (registerBuffer) or create them outside forward`, user);
    }
    const dtype = onnxDtype(t.dtype);
    const name = key !== undefined ? g.claim(key) : g.fresh('const');
    g.addInitializer(name, dtype, t.shape, t.data);
    return { name, shape: t.shape, dyn: t.shape.map(() => false), dtype: t.dtype };
  };

  /**
   * A recurrent layer's default initial state (zeros made in the forward): left out, as ONNX's recurrent
   * operators start from zeros themselves (so a dynamic batch needs no zeros of the sample's size).
   */
  const zeroState = (opName: string, i: number, x: Tensor): boolean => ZERO_STATE_INPUTS[opName]?.includes(i) === true
    && created.has(x) && !traced.has(x) && x.gradFn === null && !stateKeys.has(x) && !values.has(x)
    && Array.prototype.every.call(x.data, (v: number) => v === 0);

  /** The graph value of `t`, an input of `user`'s op (or a graph output when user is t). */
  const valueOf = (t: Tensor, user: Tensor = t): GraphValue => {
    let v = values.get(t);
    if (v) return v;
    const op = traced.get(t);
    if (op) v = emit(t, op);
    else if (t.gradFn !== null) {
      throw new OpError(`the tensor from '${t.gradFn.name}' was computed outside the traced forward (reuse of an earlier result?)`, t);
    } else v = leaf(t, user);
    values.set(t, v);
    return v;
  };

  const emit = (t: Tensor, op: TracedOp): GraphValue => {
    if (!ONNX_MAPPINGS[op.name]) throw new OpError(`no ONNX mapping for '${op.name}'`, t);
    const ins = op.inputs.map((x, i) => (x && !zeroState(op.name, i, x) ? valueOf(x, t) : null));
    const attrs = op.attrs ?? EMPTY_ATTRS;
    const ctx: MapContext = {
      op: op.name, attrs, inputs: ins, out: { shape: t.shape, dtype: t.dtype }, probe: probes.get(t) ?? null, opset,
      node: (opType, nodeInputs, a) => g.addNode(opType, nodeInputs, a)[0],
      int64s: (vals) => g.constant('int64', [vals.length], vals),
      scalar: (x) => g.constant('float32', [], [x]),
      constI64Scalar: (x) => g.constant('int64', [], [x]),
      constF32: (dims, vals) => g.constant('float32', dims, vals),
      tensor: (x) => ctx.tensorValue(x).name,
      tensorValue: (x) => {
        if (!(x instanceof Tensor)) throw new OpError(`${op.name} recorded no tensor attribute`, t);
        return valueOf(x, t);
      },
      nodeN: (opType, nodeInputs, a, n) => g.addNode(opType, nodeInputs, a, n),
      map: (name) => run(name),
    };
    const run = (name: string): MapResult => {
      const mapping = ONNX_MAPPINGS[name];
      if (!mapping) throw new OpError(`no ONNX mapping for '${name}'`, t);
      try {
        return mapping(ctx);
      } catch (e) {
        if (e instanceof ExportError) throw new OpError(`cannot export '${name}': ${e.message}`, t);
        throw e;
      }
    };
    const r = run(op.name);
    const name = typeof r === 'string' ? r : r.name;
    const dyn = typeof r === 'string' ? broadcastDyn(ins, t.shape.length) : [...r.dyn];
    return { name, shape: t.shape, dyn, dtype: t.dtype };
  };

  const graphOutputs: OnnxValueInfo[] = outputs.map((t, i) => {
    const v = valueOf(t);
    const name = outputNames[i];
    const producedHere = g.nodes.some((n) => n.outputs.includes(v.name)) && !outputs.slice(0, i).includes(t);
    if (producedHere && !inputSet.has(t)) {
      g.claim(name);
      g.rename(v.name, name);
      values.set(t, { ...v, name });
    } else {
      // An input, an initializer or a repeated output: a named copy.
      g.nodes.push({ opType: 'Identity', name: g.fresh(`Identity_${g.nodes.length}`), inputs: [v.name], outputs: [g.claim(name)], attrs: {} });
    }
    const axes = dynamic.get(name) ?? new Map<number, string>();
    return { name, dtype: onnxDtype(t.dtype), dims: t.shape.map((s, a) => axes.get(a) ?? (v.dyn[a] ? `${name}_dynamic_axes_${a}` : s)) };
  });
  return { name: 'nodetorch', nodes: g.nodes, initializers: g.initializers, inputs: graphInputs, outputs: graphOutputs };
}

/** Default dynamic dims of an op's output: those of its inputs, aligned from the right (broadcasting). */
function broadcastDyn(ins: readonly (GraphValue | null)[], rank: number): boolean[] {
  const dyn = new Array<boolean>(rank).fill(false);
  for (const v of ins) {
    if (!v) continue;
    for (let j = 1; j <= Math.min(rank, v.dyn.length); j++) dyn[rank - j] ||= v.dyn[v.dyn.length - j];
  }
  return dyn;
}

/** nodetorch dtypes are the ONNX element types of the same names (float32 -> FLOAT, int64 -> INT64, bool -> BOOL). */
const onnxDtype = (d: DType): DType => d;

/** Library classes by constructor, for messages: nn.Conv1d, models.Inception1d. */
function className(m: TracedModule): string {
  const ctor = m.constructor;
  if ((Object.values(nnExports) as unknown[]).includes(ctor)) return `nn.${ctor.name}`;
  if ((Object.values(modelExports) as unknown[]).includes(ctor)) return `models.${ctor.name}`;
  return ctor.name;
}

/**
 * The module that recorded `culprit`'s op, found by a second traced forward with every module's forward
 * wrapped to keep a stack (only on this error path: the wrappers also turn off layer fusion, which does
 * not change which module runs an op). Falls back to the model itself.
 */
function findModule(model: TracedModule, samples: readonly Tensor[], culprit: Tensor): string {
  const target = culprit.gradFn?.name;
  const stack: string[] = [];
  let found: string | null = null;
  const wrapped: TracedModule[] = [];
  for (const [path, m] of model.namedModules()) {
    const own = m.forward;
    const label = path === '' ? className(m) : `${className(m)} at '${path}'`;
    (m as { forward: unknown }).forward = (...args: unknown[]) => {
      stack.push(label);
      try {
        return own.apply(m, args);
      } finally {
        stack.pop();
      }
    };
    wrapped.push(m);
  }
  try {
    tracedForward(model, samples.map(traceInput), (_out, name) => {
      if (found === null && name === target) found = stack[stack.length - 1] ?? null;
    });
  } catch {
    // The first forward succeeded; a failure here only loses the module name.
  } finally {
    for (const m of wrapped) delete (m as { forward?: unknown }).forward;
  }
  return found ?? className(model);
}

