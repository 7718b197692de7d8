/** bmm: batched matrix product of two 3-D tensors with the same batch size, like torch.bmm. */
import type { Tensor } from '../tensor.js';
import { shapeStr } from '../tensor.js';
import { tensorArg } from './args.js';
import { matmul } from './matmul.js';

/**
 * out[i] = input[i] @ mat2[i] for each i of the batch, in one backend call (the bmm kernel). No
 * broadcasting (use matmul for that).
 *
 * Shape: input (b, n, m), mat2 (b, m, p) -> (b, n, p).
 * @example bmm(randn([8, 3, 4]), randn([8, 4, 5])) // (8, 3, 5)
 */
export function bmm(input: Tensor, mat2: Tensor): Tensor {
  tensorArg('bmm', 'input', input);
  tensorArg('bmm', 'mat2', mat2);
  if (input.dtype !== 'float32' || mat2.dtype !== 'float32') {
    throw new TypeError(`bmm: expected float32 tensors, got ${input.dtype} and ${mat2.dtype}`);
  }
  if (input.ndim !== 3) throw new RangeError(`bmm: batch1 must be a 3D tensor, got shape ${shapeStr(input.shape)}`);
  if (mat2.ndim !== 3) throw new RangeError(`bmm: batch2 must be a 3D tensor, got shape ${shapeStr(mat2.shape)}`);
  if (input.shape[0] !== mat2.shape[0]) {
    throw new RangeError(`bmm: batch1 and batch2 must have same number of batches, got ${input.shape[0]} and ${mat2.shape[0]}`);
  }
  if (input.shape[2] !== mat2.shape[1]) {
    throw new RangeError(
      `bmm: Expected size for first two dimensions of batch2 tensor to be: [${input.shape[0]}, ${input.shape[2]}] but got: [${mat2.shape[0]}, ${mat2.shape[1]}]`,
    );
  }
  return matmul(input, mat2);
}
