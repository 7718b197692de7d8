/** sqrt: elementwise square root (torch.sqrt). */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { tensorArg } from './args.js';

/**
 * sqrt(x) elementwise: NaN below 0. Integer and bool inputs give float32, as in PyTorch.
 *
 * Shape: out has the shape of x. Gradient: g / (2 sqrt(x)) (inf at 0, like PyTorch).
 * @example sqrt(tensor([4, 9])) // tensor([2., 3.])
 */
export function sqrt(x: Tensor): Tensor {
  tensorArg('sqrt', 'input', x);
  const n = x.data.length;
  const xd = x.data;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(xd[i]);
  return record(new Tensor(out, x.shape), 'SqrtBackward0', [x], (g) => {
    const gd = g.data;
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = gd[i] / (2 * out[i]);
    return [new Tensor(gx, x.shape)];
  });
}
