import type { Tensor } from '../tensor.js';

/**
 * The backward record an op attaches to its result. `backward` maps the gradient of the result to the
 * gradients of `inputs` (null where an input needs none); it is dropped after use unless the graph is
 * retained, which frees the tensors its closure saved.
 */
export interface GradFn {
  /** PyTorch-style name, e.g. 'MulBackward0'. */
  readonly name: string;
  readonly inputs: readonly (Tensor | null)[];
  backward: ((grad: Tensor) => readonly (Tensor | null)[]) | null;
}
