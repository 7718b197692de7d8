import { Tensor, storageFor, shapeSize } from '../tensor.js';
import { tensorArg } from './args.js';
import { record } from '../autograd/record.js';
import { planReduce, expandReduced } from './reduction.js';

/** Sum over dims (all by default), float64 accumulation; integer/bool input gives int64. */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const plan = planReduce('sum', x, dim, keepdim);
  const acc = new Float64Array(shapeSize(plan.outShape));
  const xd = x.data;
  const idx = plan.outIndex;
  for (let f = 0; f < xd.length; f++) acc[idx[f]] += xd[f];
  const dtype = x.dtype === 'float32' ? 'float32' : 'int64';
  const out = storageFor(dtype, acc.length);
  out.set(acc);
  return record(new Tensor(out, plan.outShape, dtype), 'SumBackward1', [x], (g) => [expandReduced(g, plan, x.shape)], { dims: plan.dims, keepdim });
}

/** Mean over dims (all by default). Float tensors only, like PyTorch. */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  tensorArg('mean', 'input', x);
  if (x.dtype !== 'float32') throw new TypeError(`mean: could not infer output dtype; input dtype must be float32, got ${x.dtype}`);
  const plan = planReduce('mean', x, dim, keepdim);
  const acc = new Float64Array(shapeSize(plan.outShape));
  const xd = x.data;
  const idx = plan.outIndex;
  for (let f = 0; f < xd.length; f++) acc[idx[f]] += xd[f];
  const out = new Float32Array(acc.length);
  for (let i = 0; i < out.length; i++) out[i] = acc[i] / plan.count;
  return record(new Tensor(out, plan.outShape), 'MeanBackward1', [x], (g) => [expandReduced(g, plan, x.shape, 1 / plan.count)], { dims: plan.dims, keepdim });
}
