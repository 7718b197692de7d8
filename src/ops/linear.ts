/** linear: y = x @ W^T + b, like torch.nn.functional.linear, on the backend's matmul kernel. */
import { Tensor, shapeStr } from '../tensor.js';
import { record } from '../autograd/record.js';
import { getBackend } from '../backend/select.js';
import { describeValue } from '../util/describe.js';
import { tensorArg } from './args.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';
import { fillRows } from '../util/fill-rows.js';

/**
 * Affine map over the last dim.
 *
 * Shape: input (*, in_features), weight (out_features, in_features), bias (out_features) ->
 * (*, out_features).
 * @example linear(x, weight, bias) // x (8, 64), weight (2, 64), bias (2) -> (8, 2)
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return linearAs(x, weight, bias, null);
}

/**
 * linear with the output's leading dims given (their product must be the input's rows): a caller that
 * wants the rows in another shape gets them as the op's own storage, where a reshape would make a view
 * (and a view's storage is never recycled, src/autograd/graph-internal.ts). null keeps the input's.
 */
export function linearAs(x: Tensor, weight: Tensor, bias: Tensor | null, lead: readonly number[] | null): Tensor {
  tensorArg('linear', 'input', x);
  tensorArg('linear', 'weight', weight);
  if (bias !== null && bias !== undefined && !(bias instanceof Tensor)) throw new TypeError(`linear: expected bias to be a Tensor or null, got ${describeValue(bias)}`);
  const b = bias ?? null;
  if (x.dtype !== 'float32' || weight.dtype !== 'float32' || (b && b.dtype !== 'float32')) {
    throw new TypeError(`linear: expected float32 input, weight and bias, got ${x.dtype}, ${weight.dtype}${b ? `, ${b.dtype}` : ''}`);
  }
  if (weight.ndim !== 2) throw new RangeError(`linear: expected weight of shape (out_features, in_features), got ${shapeStr(weight.shape)}`);
  const [outF, inF] = weight.shape;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inF) {
    throw new RangeError(`linear: expected input of shape (*, in_features=${inF}), got ${shapeStr(x.shape)}`);
  }
  if (b && (b.ndim !== 1 || b.shape[0] !== outF)) {
    throw new RangeError(`linear: expected bias of shape (out_features=${outF},), got ${shapeStr(b.shape)}`);
  }
  let m = 1;
  for (let i = 0; i < x.ndim - 1; i++) m *= x.shape[i];
  if (lead && lead.reduce((a, d) => a * d, 1) !== m) {
    throw new RangeError(`linear: expected output leading dims with ${m} rows, got ${shapeStr(lead)}`);
  }
  const outShape = [...(lead ?? x.shape.slice(0, -1)), outF];
  const xd = x.data as Float32Array;
  const wd = weight.data as Float32Array;
  const y = activationBuffer(m * outF); // every element written: bias rows + beta 1, or beta 0
  const be = getBackend();
  let beta = 0;
  if (b && m > 0) {
    fillRows(y, b.data as Float32Array, m);
    beta = 1;
  }
  if (m > 0 && inF > 0) be.matmul(xd, wd, y, { m, n: outF, k: inF, transA: false, transB: true, alpha: 1, beta });
  else if (!b) y.fill(0);
  return record(new Tensor(y, outShape), 'AddmmBackward0', [x, weight, b], (g) => {
    const gd = g.data as Float32Array;
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (x.requiresGrad) {
      // gx (m, in) = g (m, out) @ W (out, in)
      const buf = productBuffer(m * inF, m > 0 && outF > 0 && inF > 0);
      if (m > 0 && outF > 0 && inF > 0) be.matmul(gd, wd, buf, { m, n: inF, k: outF, transA: false, transB: false, alpha: 1, beta: 0 });
      gx = new Tensor(buf, x.shape);
    }
    if (weight.requiresGrad) {
      // gW (out, in) = g^T (out, m) @ x (m, in)
      const buf = productBuffer(outF * inF, m > 0 && outF > 0 && inF > 0);
      if (m > 0 && outF > 0 && inF > 0) be.matmul(gd, xd, buf, { m: outF, n: inF, k: m, transA: true, transB: false, alpha: 1, beta: 0 });
      gw = new Tensor(buf, weight.shape);
    }
    if (b && b.requiresGrad) {
      // gb (out) = column sums of g (m, out), float64 in row order (every element written, m = 0 too)
      const buf = productBuffer(outF, true);
      be.columnSum(gd, buf, { rows: m, cols: outF });
      gb = new Tensor(buf, [outF]);
    }
    return [gx, gw, gb];
  }, undefined, { ownsOutput: true });
}

/** A gradient buffer of n floats: pooled when a beta-0 product writes all of it, else zeros. */
function productBuffer(n: number, written: boolean): Float32Array {
  return written ? gradBuffer(n) : new Float32Array(n);
}
