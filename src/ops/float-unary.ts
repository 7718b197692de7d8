/** The shared body of float32-valued elementwise ops with a backward (exp, log, sqrt). */
import { Tensor } from '../tensor.js';
import { record, type OpAttrs } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * out[i] = f(x[i]) as float32 (integer and bool inputs give float32, as in PyTorch), recorded as
 * `gradName`; its backward gives the input gradient grad(g[i], x[i], out[i]) at each element.
 * `op` names the op in the input check's error.
 *
 * Shape: out has the shape of x.
 */
export function floatUnaryOp(
  op: string, gradName: string, x: Tensor, f: (v: number) => number, grad: (g: number, x: number, y: number) => number,
  attrs?: OpAttrs,
): Tensor {
  tensorArg(op, 'input', x);
  const n = x.data.length;
  const xd = x.data;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(xd[i]);
  return record(new Tensor(out, x.shape), gradName, [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = grad(gd[i], xd[i], out[i]);
    return [new Tensor(gx, x.shape)];
  }, attrs, { savesOutput: true });
}

/**
 * An activation: {@link floatUnaryOp} for float32 input only (a TypeError names `op` otherwise, as
 * PyTorch refuses integer input to its activation functions).
 */
export function activationOp(
  op: string, gradName: string, x: Tensor, f: (v: number) => number, grad: (g: number, x: number, y: number) => number,
  attrs?: OpAttrs,
): Tensor {
  tensorArg(op, 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${x.dtype}`);
  return floatUnaryOp(op, gradName, x, f, grad, attrs);
}
