/** nllLoss: negative log-likelihood of class-index targets given log-probabilities, like torch.nn.functional.nll_loss. */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { checkReduction, type Reduction } from './loss-reduction.js';
import { describeValue } from '../util/describe.js';
import { tensorArg, optionsArg } from './args.js';

/** Options of `nn.functional.nllLoss`: class weights, ignoreIndex and reduction. */
export interface NllLossOptions {
  /** Per-class weight (C). */
  weight?: Tensor | null;
  /** Target value that contributes neither loss nor weight (default -100). */
  ignoreIndex?: number;
  /** 'mean' (default; divides by the summed weight of the non-ignored targets), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** Input (C), (N, C) or (N, C, d1, ...) seen as n x c x inner, and the target shape that goes with it. */
export interface ClassLayout {
  n: number;
  c: number;
  inner: number;
  /** Number of target positions: n * inner. */
  positions: number;
  /** () for (C) input, else (N, d1, ...). */
  targetShape: number[];
}

export function classLayout(op: string, input: Tensor): ClassLayout {
  tensorArg(op, 'input', input);
  if (input.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 input, got ${input.dtype}`);
  if (input.ndim === 0) throw new RangeError(`${op}: expected input of shape (C), (N, C) or (N, C, d1, ...), got ()`);
  if (input.ndim === 1) return { n: 1, c: input.shape[0], inner: 1, positions: 1, targetShape: [] };
  let inner = 1;
  for (let i = 2; i < input.ndim; i++) inner *= input.shape[i];
  const n = input.shape[0];
  return { n, c: input.shape[1], inner, positions: n * inner, targetShape: [n, ...input.shape.slice(2)] };
}

/** Check an int64 class-index target against the layout; returns its data. */
export function checkClassTarget(op: string, input: Tensor, target: Tensor, lay: ClassLayout, ignoreIndex: number): Float64Array {
  const ts = lay.targetShape;
  if (target.ndim !== ts.length || target.shape.some((d, i) => d !== ts[i])) {
    throw new RangeError(`${op}: expected target of shape ${shapeStr(ts)} for input of shape ${shapeStr(input.shape)}, got ${shapeStr(target.shape)}`);
  }
  const td = target.data as Float64Array;
  for (let i = 0; i < td.length; i++) {
    const y = td[i];
    if (y !== ignoreIndex && !(y >= 0 && y < lay.c)) {
      throw new RangeError(`${op}: target ${y} is out of bounds: expected 0 <= target < ${lay.c} (the number of classes) or ignoreIndex=${ignoreIndex}`);
    }
  }
  return td;
}

/** Check an optional per-class weight; returns its data or null. */
export function checkClassWeight(op: string, weight: Tensor | null | undefined, c: number): Float32Array | null {
  if (weight === null || weight === undefined) return null;
  if (!(weight instanceof Tensor)) throw new TypeError(`${op}: expected weight to be a Tensor or null, got ${describeValue(weight)}`);
  if (weight.dtype !== 'float32') throw new TypeError(`${op}: expected weight to be float32, got ${weight.dtype}`);
  if (weight.ndim !== 1 || weight.shape[0] !== c) {
    throw new RangeError(`${op}: expected weight of shape (${c},) (one per class), got ${shapeStr(weight.shape)}`);
  }
  return weight.data as Float32Array;
}

export function checkIgnoreIndex(op: string, ignoreIndex: unknown): number {
  if (ignoreIndex === undefined) return -100;
  if (typeof ignoreIndex !== 'number' || !Number.isInteger(ignoreIndex)) {
    throw new TypeError(`${op}: expected ignoreIndex to be an integer, got ${describeValue(ignoreIndex)}`);
  }
  return ignoreIndex;
}

/**
 * loss_i = -weight[y_i] * input[i, y_i] over target positions i, skipping y_i == ignoreIndex; 'mean'
 * divides by the summed weight of the non-ignored targets (NaN if there are none).
 *
 * Shape: input (C), (N, C) or (N, C, d1, ...) log-probabilities; target (), (N) or (N, d1, ...) int64;
 * output () or the target's shape for reduction 'none'.
 * @example nllLoss(logSoftmax(logits, 1), labels)
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  opts = optionsArg('nllLoss', opts) as typeof opts;
  const op = 'nllLoss';
  const lay = classLayout(op, input);
  tensorArg(op, 'target', target);
  if (target.dtype !== 'int64') throw new TypeError(`${op}: expected target of dtype int64 (class indices), got ${target.dtype}`);
  const reduction = checkReduction(op, opts.reduction);
  const ignoreIndex = checkIgnoreIndex(op, opts.ignoreIndex);
  const wd = checkClassWeight(op, opts.weight, lay.c);
  const td = checkClassTarget(op, input, target, lay, ignoreIndex);
  const { c, inner, positions } = lay;
  const xd = input.data as Float32Array;
  const le = new Float64Array(positions);
  const wt = new Float64Array(positions);
  let totalWeight = 0;
  for (let p = 0; p < positions; p++) {
    const y = td[p];
    if (y === ignoreIndex) continue;
    const o = Math.floor(p / inner);
    const j = p - o * inner;
    const w = wd ? wd[y] : 1;
    wt[p] = w;
    totalWeight += w;
    le[p] = -w * xd[(o * c + y) * inner + j];
  }
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(Float32Array.from(le), lay.targetShape);
  else {
    let s = 0;
    for (let p = 0; p < positions; p++) s += le[p];
    out = new Tensor(new Float32Array([reduction === 'sum' ? s : s / totalWeight]), []);
  }
  return record(out, 'NllLossBackward0', [input], (g) => {
    const gd = g.data;
    const gx = new Float32Array(xd.length);
    const s = reduction === 'mean' ? gd[0] / totalWeight : gd[0];
    for (let p = 0; p < positions; p++) {
      const y = td[p];
      if (y === ignoreIndex) continue;
      const o = Math.floor(p / inner);
      const j = p - o * inner;
      gx[(o * c + y) * inner + j] = -wt[p] * (reduction === 'none' ? gd[p] : s);
    }
    return [new Tensor(gx, input.shape)];
  }, { target, weight: opts.weight ?? null, ignoreIndex, reduction });
}
