/** relu(x) = max(x, 0), like torch.relu (NaN propagates, -0 stays -0). */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { activationBuffer, gradBuffer } from '../util/grad-pool.js';
import { getBackend } from '../backend/select.js';
import { tensorArg } from './args.js';

/**
 * Rectified linear unit, elementwise.
 *
 * Shape: any; the output has the input's shape. Integer input is allowed (no gradient).
 * @example relu(tensor([-1, 0, 2], { dtype: 'float32' })) // tensor([0., 0., 2.])
 */
export function relu(x: Tensor): Tensor {
  tensorArg('relu', 'input', x);
  if (x.dtype === 'bool') throw new TypeError('relu: expected a float32 or int64 tensor, got bool');
  const n = x.data.length;
  let y: Float32Array | Float64Array;
  if (x.dtype === 'float32') {
    y = activationBuffer(n);
    getBackend().reluForward(x.data as Float32Array, y);
  } else {
    const xd = x.data;
    y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = xd[i];
      y[i] = v < 0 ? 0 : v;
    }
  }
  const out = new Tensor(y, x.shape, x.dtype);
  return record(out, 'ReluBackward0', [x], (g, owned) => [reluBackward(g, y as Float32Array, owned)], undefined, {
    ownsOutput: x.dtype === 'float32',
    savesNothing: true,
    savesOutput: true,
  });
}

/**
 * g where the relu output is > 0 or NaN, else +0 (PyTorch's threshold_backward: `y <= 0 ? 0 : g`); written
 * over g when the autograd engine hands g's storage over (`owned`).
 */
function reluBackward(g: Tensor, y: Float32Array, owned: boolean): Tensor {
  return new Tensor(reluMask(y, g.data as Float32Array, owned), g.shape);
}

/**
 * The gradient through a relu whose output is y: g where y > 0 or NaN, else +0, over g itself when `owned`
 * (the caller may overwrite g), else into a new gradient buffer. Also used by the ops that fuse a relu
 * (conv1d and batchNorm with a relu epilogue).
 */
export function reluMask(y: Float32Array, g: Float32Array, owned: boolean): Float32Array {
  const gx = owned ? g : gradBuffer(y.length);
  getBackend().reluBackward(y, g, gx);
  return gx;
}
