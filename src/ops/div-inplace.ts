/** div_: in-place elementwise quotient (torch.Tensor.div_). */
import type { Tensor } from '../tensor.js';
import { div, type DivOptions } from './div.js';
import type { TensorLike } from './elementwise.js';
import { inPlace } from './inplace.js';

/** x /= other in place (other broadcasts to x's shape; `roundingMode` as div); returns x. */
export function div_(x: Tensor, other: TensorLike, opts: DivOptions = {}): Tensor {
  return inPlace('div_', 'div', x, [other], (self) => div(self, other, opts));
}
