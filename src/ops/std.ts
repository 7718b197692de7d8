/** std: standard deviation over dims with Bessel's correction (torch.std). */
import { optionsArg } from './args.js';
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { moments, varBackward, type VarOptions } from './var.js';

/**
 * Standard deviation over `dim` (all dims when omitted or []): sqrt(var(x, dim, opts)), with the same
 * correction / unbiased / keepdim options as `variance`. float32 input only.
 *
 * Shape: reduced dims are removed, or kept as 1 with keepdim.
 * Gradient: g * (x - mean) / ((N - correction) * std), and 0 where std is 0 (PyTorch's convention).
 * @example std(tensor([1, 2, 3, 4], { dtype: 'float32' })) // tensor(1.2910)
 */
export function std(x: Tensor, dim?: number | readonly number[] | null, opts: VarOptions = {}): Tensor {
  opts = optionsArg('std', opts) as typeof opts;
  const mo = moments('std', x, dim, opts);
  const { plan, correction, sumSq } = mo;
  const divisor = Math.max(0, plan.count - correction);
  const out = new Float32Array(sumSq.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(sumSq[i] / divisor);
  return record(new Tensor(out, plan.outShape), 'StdBackward0', [x], (g) => {
    const gd = g.data;
    const gv = new Float64Array(out.length);
    for (let i = 0; i < gv.length; i++) gv[i] = out[i] === 0 ? 0 : Math.fround(gd[i] / (2 * out[i]));
    return [varBackward(x, mo, gv)];
  });
}
