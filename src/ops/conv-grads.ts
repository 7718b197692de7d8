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
   * `input` with conv1dBackwardInput's fusions, where the backend kernel has them: gx = acc + d loss / d input
   * (gx may be acc), gy read through the relu output `mask` (reluBackward's mask), the gy read written to
   * gyMasked (which may be gy).
   */
  inputFused?(
    gy: Float32Array, w: Float32Array, gx: Float32Array, acc: Float32Array | null, mask: Float32Array | null,
    gyMasked: Float32Array | null,
  ): void;
}

/**
 * [gx, gw, gb] of a conv whose output was y (relu'd when `relu`), for the output gradient g (`owned`: the
 * engine's own buffer, which the relu mask may overwrite). Only the gradients that are needed are computed.
 * With `k.inputFused` the relu mask is applied inside the input-gradient kernel (which hands the masked
 * gradient on to the weight kernel), and the input gradient is added straight into the engine's pending
 * gradient for the input when `pending` offers it.
 */
export function convGrads(
  g: Tensor, owned: boolean, y: Float32Array, relu: boolean, input: Tensor, weight: Tensor, bias: Tensor | null,
  k: ConvBackwardKernels, pending?: PendingInputGrad,
): (Tensor | null)[] {
  const wantWeight = weight.requiresGrad || (bias !== null && bias.requiresGrad);
  let gd = g.data as Float32Array;
  let gx: Tensor | null = null;
  if (input.requiresGrad && k.inputFused !== undefined) {
    const sum = pending?.(0) ?? null;
    // The masked gradient, for the weight kernel: over g when it is ours.
    const gyMasked = relu && wantWeight ? (owned ? gd : gradBuffer(gd.length)) : null;
    const buf = sum !== null ? (sum.data as Float32Array) : gradBuffer(input.numel());
    k.inputFused(gd, weight.data as Float32Array, buf, sum !== null ? buf : null, relu ? y : null, gyMasked);
    gx = sum ?? new Tensor(buf, input.shape);
    if (gyMasked !== null) gd = gyMasked;
  } else {
    // With relu, g is first masked by the output (in place when it is ours), as ReluBackward0 would.
    if (relu) gd = reluMask(y, gd, owned);
    if (input.requiresGrad) {
      const buf = gradBuffer(input.numel());
      k.input(gd, weight.data as Float32Array, buf);
      gx = new Tensor(buf, input.shape);
    }
  }
  let gw: Tensor | null = null;
  let gb: Tensor | null = null;
  if (wantWeight) {
    const wbuf = gradBuffer(weight.numel());
    const bbuf = bias && bias.requiresGrad ? gradBuffer(bias.numel()) : null;
    k.weight(input.data as Float32Array, gd, wbuf, bbuf);
    gw = weight.requiresGrad ? new Tensor(wbuf, weight.shape) : null;
    gb = bbuf ? new Tensor(bbuf, bias!.shape) : null;
  }
  if (gd !== g.data) releaseGrad(gd); // the masked copy is ours and dead now
  return [gx, gw, gb];
}
