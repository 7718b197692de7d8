/** Parameter: a Tensor that a Module registers as learnable (requiresGrad true by default). */
import { Tensor } from '../tensor.js';
import { tensorArg } from '../ops/args.js';

/**
 * A leaf tensor that modules treat as a learnable parameter: assigning one to a Module field registers
 * it, and `module.parameters()` returns it. It shares storage with the tensor it wraps.
 * @example this.weight = new nn.Parameter(randn([4, 3]))
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    tensorArg('Parameter', 'data', data);
    if (requiresGrad === true && data.dtype !== 'float32') {
      throw new TypeError(`Parameter: only Tensors of floating point dtype can require gradients, got ${data.dtype}`);
    }
    super(data.data, data.shape, data.dtype);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** Wrap a tensor as a Parameter (shares its storage). */
export function parameter(data: Tensor, requiresGrad = true): Parameter {
  return new Parameter(data, requiresGrad);
}
