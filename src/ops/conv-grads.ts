/** The backward of the conv ops (conv1d, conv2d): input, weight and bias gradients through their kernels. */
import { Tensor } from '../tensor.js';
import { gradBuffer, releaseGrad } from '../util/grad-pool.js';
import { reluMask } from './relu.js';

/** The two backward kernels of one conv call, bound to its params. */
export interface ConvBackwardKernels {
  /** gx = d loss / d input from gy. */
  input(gy: Float32Array, w: Float32Array, gx: Float32Array): void;
  /** gw = d loss / d weight and, if gb is given, gb = d loss / d bias from the input and gy. */
  weight(x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null): void;
}

/**
 * [gx, gw, gb] of a conv whose output was y (relu'd when `relu`), for the output gradient g (`owned`: the
 * engine's own buffer, which the relu mask may overwrite). Only the gradients that are needed are computed.
 */
export function convGrads(
  g: Tensor, owned: boolean, y: Float32Array, relu: boolean, input: Tensor, weight: Tensor, bias: Tensor | null,
  k: ConvBackwardKernels,
): (Tensor | null)[] {
  // With relu, g is first masked by the output (in place when it is ours), as ReluBackward0 would.
  const gd = relu ? reluMask(y, g.data as Float32Array, owned) : (g.data as Float32Array);
  let gx: Tensor | null = null;
  if (input.requiresGrad) {
    const buf = gradBuffer(input.numel());
    k.input(gd, weight.data as Float32Array, buf);
    gx = new Tensor(buf, input.shape);
  }
  let gw: Tensor | null = null;
  let gb: Tensor | null = null;
  if (weight.requiresGrad || (bias && bias.requiresGrad)) {
    const wbuf = gradBuffer(weight.numel());
    const bbuf = bias && bias.requiresGrad ? gradBuffer(bias.numel()) : null;
    k.weight(input.data as Float32Array, gd, wbuf, bbuf);
    gw = weight.requiresGrad ? new Tensor(wbuf, weight.shape) : null;
    gb = bbuf ? new Tensor(bbuf, bias!.shape) : null;
  }
  if (gd !== g.data) releaseGrad(gd); // the masked copy is ours and dead now
  return [gx, gw, gb];
}
