/** fill_ / zero_: set every element in place (torch.Tensor.fill_, zero_). */
import { Tensor, storageFor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { numberArg } from './args.js';
import { inPlace } from './inplace.js';

/** A tensor like self filled with v; its gradient to self is zero (nothing of self survives). */
function filled(self: Tensor, v: number, name: string): Tensor {
  const out = storageFor(self.dtype, self.numel());
  out.fill(self.dtype === 'bool' ? (v !== 0 ? 1 : 0) : self.dtype === 'int64' ? Math.trunc(v) : v);
  return record(new Tensor(out, self.shape, self.dtype), name, [self], () => [null], undefined, { savesNothing: true });
}

/** Set every element of x to `value` in place, through to the storage x's views share; returns x. */
export function fill_(x: Tensor, value: number | boolean): Tensor {
  const v = typeof value === 'boolean' ? Number(value) : numberArg('fill_', 'value', value);
  return inPlace('fill_', 'fill_', x, [], (self) => filled(self, v, 'FillBackward0'));
}

/** Set every element of x to 0 in place; returns x. */
export function zero_(x: Tensor): Tensor {
  return inPlace('zero_', 'zero_', x, [], (self) => filled(self, 0, 'ZeroBackward0'));
}
