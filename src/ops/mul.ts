import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { arithmeticDtype, asTensor, binaryMap, unaryMap, type TensorLike } from './elementwise.js';
import { sumToShape } from './broadcast.js';

/** a * b elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a, 'mul', b instanceof Tensor ? b : undefined, 'input');
  const tb = asTensor(b, 'mul', ta, 'other');
  const out = binaryMap('mul', ta, tb, (x, y) => x * y, arithmeticDtype('mul', ta, tb));
  return record(out, 'MulBackward0', [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(binaryMap('mul', g, tb, (x, y) => x * y, 'float32'), ta.shape) : null,
    tb.requiresGrad ? sumToShape(binaryMap('mul', g, ta, (x, y) => x * y, 'float32'), tb.shape) : null,
  ]);
}

/** g * s for a plain number s, no history (helper for backward formulas). */
export function mulScalar(g: Tensor, s: number): Tensor {
  return unaryMap(g, (x) => x * s);
}
