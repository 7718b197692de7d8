/**
 * Layer fusion in nn.Sequential: a Conv1d, Conv2d, BatchNorm1d or BatchNorm2d directly followed by a ReLU runs as one op whose
 * kernel applies the relu to each output block while it is in cache (Conv1dParams.relu,
 * BatchNormParams.relu), with one autograd node. Values, gradients and module state are exactly those of
 * the two modules run one after the other; only the intermediate pre-relu tensor is never made.
 *
 * Only the library's own classes fuse, and only when neither instance's forward was replaced, so a
 * subclass or a patched forward always runs as written.
 */
import type { Tensor } from '../tensor.js';
import type { AnyModule } from './module.js';
import { Conv1d } from './conv.js';
import { Conv2d } from './conv2d.js';
import { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
import { ReLU } from './activation.js';

/** Exactly an instance of cls whose forward is the class's own. */
function plain(m: unknown, cls: Function): boolean {
  return m !== null && typeof m === 'object' && m.constructor === cls && !Object.prototype.hasOwnProperty.call(m, 'forward');
}

/** The fused forward of the pair (m, next), or null when they do not fuse. */
export function reluFusion(m: AnyModule, next: AnyModule | null | undefined): ((x: Tensor) => Tensor) | null {
  if (!plain(next, ReLU)) return null;
  if (plain(m, Conv1d)) return (x) => (m as Conv1d).forwardRelu(x);
  if (plain(m, BatchNorm1d)) return (x) => (m as BatchNorm1d).forwardRelu(x);
  if (plain(m, Conv2d)) return (x) => (m as Conv2d).forwardRelu(x);
  if (plain(m, BatchNorm2d)) return (x) => (m as BatchNorm2d).forwardRelu(x);
  return null;
}
