/** What Conv1d and Conv2d share for the conv + ReLU fusion of nn.Sequential (./fusion.ts). */
import type { Tensor } from '../tensor.js';
import { WeightAndBiasLayer } from './weight-and-bias.js';

/**
 * @internal A conv layer that runs either alone (forward) or with a following ReLU applied inside its
 * op (forwardRelu, the kernel's relu epilogue): both go through the subclass's one `convolve`, so the
 * fused path checks and convolves exactly as the plain one does.
 */
export abstract class FusibleConv extends WeightAndBiasLayer {
  override forward(x: Tensor): Tensor {
    return this.convolve(x, false);
  }

  /** @internal relu(forward(x)) as one fused op (nn.Sequential runs this layer + ReLU this way, ./fusion.ts). */
  forwardRelu(x: Tensor): Tensor {
    return this.convolve(x, true);
  }

  /** The input checks and the convolution, with the relu fused into the op when `relu`. */
  protected abstract convolve(x: Tensor, relu: boolean): Tensor;
}
