import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { arithmeticDtype, asTensor, binaryMap, unaryMap, type TensorLike } from './elementwise.js';
import { sumToShape } from './broadcast.js';
import { floatBinary } from './float-binary.js';

/** a * b elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a, 'mul', b instanceof Tensor ? b : undefined, 'input');
  const tb = asTensor(b, 'mul', ta, 'other');
  const dtype = arithmeticDtype('mul', ta, tb);
  const out = floatBinary('mul', ta, tb) ?? binaryMap('mul', ta, tb, (x, y) => x * y, dtype);
  const times = (g: Tensor, t: Tensor) => floatBinary('mul', g, t) ?? binaryMap('mul', g, t, (x, y) => x * y, 'float32');
  return record(out, 'MulBackward0', [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(times(g, tb), ta.shape) : null,
    tb.requiresGrad ? sumToShape(times(g, ta), tb.shape) : null,
  ]);
}

/** g * s for a plain number s, no history (helper for backward formulas). */
export function mulScalar(g: Tensor, s: number): Tensor {
  return unaryMap(g, (x) => x * s);
}
