/** The backward of the conv ops (conv1d, conv2d): input, weight and bias gradients through their kernels. */
import { Tensor } from '../tensor.js';
import type { PendingInputGrad } from '../autograd/node.js';
import { gradBuffer, releaseGrad } from '../util/grad-pool.js';
import { reluMask } from './relu.js';

/** The backward kernels of one conv call, bound to its params. */
export interface ConvBackwardKernels {
  /** gx = d loss / d input from gy. */
  input(gy: Float32Array, w: Float32Array, gx: Float32Array): void;
  /** gw = d loss / d weight and, if gb is given, gb = d loss / d bias from the input and gy. */
  weight(x: Float32Array, gy: Float32Array, gw: Float32Array, gb: Float32Array | null): void;
  /**
   * sum += d loss / d input in place (one float32 rounding per element, as add), where the backend kernel
   * has an accumulate argument (conv1dBackwardInput).
   */
  inputInto?(gy: Float32Array, w: Float32Array, sum: Float32Array): void;
}

/**
 * [gx, gw, gb] of a conv whose output was y (relu'd when `relu`), for the output gradient g (`owned`: the
 * engine's own buffer, which the relu mask may overwrite). Only the gradients that are needed are computed.
 * With `k.inputInto`, the input gradient is added straight into the engine's pending gradient for the
 * input when `pending` offers it (the inception block's four branches: no separate sum pass or buffer).
 */
export function convGrads(
  g: Tensor, owned: boolean, y: Float32Array, relu: boolean, input: Tensor, weight: Tensor, bias: Tensor | null,
  k: ConvBackwardKernels, pending?: PendingInputGrad,
): (Tensor | null)[] {
  // With relu, g is first masked by the output (in place when it is ours), as ReluBackward0 would.
  const gd = relu ? reluMask(y, g.data as Float32Array, owned) : (g.data as Float32Array);
  let gx: Tensor | null = null;
  if (input.requiresGrad) {
    const sum = k.inputInto !== undefined ? (pending?.(0) ?? null) : null;
    if (sum !== null) {
      k.inputInto!(gd, weight.data as Float32Array, sum.data as Float32Array);
      gx = sum; // the engine's pending gradient, now with this one added: it adds nothing more
    } else {
      const buf = gradBuffer(input.numel());
      k.input(gd, weight.data as Float32Array, buf);
      gx = new Tensor(buf, input.shape);
    }
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
