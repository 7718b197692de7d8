/** clamp_: in-place clamp (torch.Tensor.clamp_). */
import type { Tensor } from '../tensor.js';
import { clamp } from './clamp.js';
import { inPlace } from './inplace.js';

/** Clamp x's elements into [min, max] in place (either bound may be null); returns x. */
export function clamp_(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return inPlace('clamp_', 'clamp', x, [], (self) => clamp(self, min, max));
}
