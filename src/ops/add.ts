import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { arithmeticDtype, asTensor, binaryMap, type TensorLike } from './elementwise.js';
import { sumToShape } from './broadcast.js';
import { mulScalar } from './mul.js';
import { numberArg } from './args.js';
import { floatBinary } from './float-binary.js';

/** a + alpha * b, broadcasting. */
export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  const ta = asTensor(a, 'add', b instanceof Tensor ? b : undefined, 'input');
  numberArg('add', 'alpha', alpha);
  const tb = asTensor(b, 'add', ta, 'other');
  const dtype = arithmeticDtype('add', ta, tb, alpha);
  const out = alpha === 1
    ? floatBinary('add', ta, tb) ?? binaryMap('add', ta, tb, (x, y) => x + y, dtype)
    : binaryMap('add', ta, tb, (x, y) => x + alpha * y, dtype);
  return record(out, 'AddBackward0', [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(g, ta.shape) : null,
    tb.requiresGrad ? sumToShape(alpha === 1 ? g : mulScalar(g, alpha), tb.shape) : null,
  ], { alpha }, { savesNothing: true, ownsOutput: true });
}

/** a - alpha * b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  const ta = asTensor(a, 'sub', b instanceof Tensor ? b : undefined, 'input');
  numberArg('sub', 'alpha', alpha);
  const tb = asTensor(b, 'sub', ta, 'other');
  const dtype = arithmeticDtype('sub', ta, tb, alpha);
  const out = (alpha === 1 ? floatBinary('sub', ta, tb) : null) ?? binaryMap('sub', ta, tb, (x, y) => x - alpha * y, dtype);
  return record(out, 'SubBackward0', [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(g, ta.shape) : null,
    tb.requiresGrad ? sumToShape(mulScalar(g, -alpha), tb.shape) : null,
  ], { alpha }, { savesNothing: true });
}
