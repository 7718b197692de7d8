import type { Tensor } from '../tensor.js';

/**
 * The backward record an op attaches to its result. `backward` maps the gradient of the result to the
 * gradients of `inputs` (null where an input needs none); it is dropped after use unless the graph is
 * retained, which frees the tensors its closure saved.
 *
 * `gradOwned` is true when the engine hands the gradient's storage over: nothing else refers to it, so
 * an elementwise backward may write an input gradient over it (element i from element i) and return
 * that storage. Otherwise the closure must leave `grad` unchanged.
 */
export type BackwardFn = (grad: Tensor, gradOwned: boolean, pending: PendingInputGrad) => readonly (Tensor | null)[];

/**
 * Asked by a backward for input k: the gradient the engine already holds for that input, when it is one
 * engine-owned buffer of the input's size that nothing else shares (else null). The backward may then add
 * its own gradient for input k into that storage in place, each element once as `sum + contribution`
 * rounded to float32 (what the engine's sum in arrival order would do), and return that same tensor as
 * input k's gradient: the engine then adds nothing for it. A kernel with an accumulate argument saves the
 * separate sum pass and a buffer (conv1d's backward-input, src/ops/conv-grads.ts).
 */
export type PendingInputGrad = (k: number) => Tensor | null;

export interface GradFn {
  /** PyTorch-style name, e.g. 'MulBackward0'. */
  readonly name: string;
  /**
   * The tensors the op read. After a backward without retainGraph the engine replaces the array, without
   * the graph-internal activations it recycled (src/autograd/graph-internal.ts).
   */
  inputs: readonly (Tensor | null)[];
  backward: BackwardFn | null;
  /**
   * Called once when the engine drops `backward` after a backward without retainGraph: the closure's
   * private scratch (never visible outside the op, e.g. max pooling's argmax bytes) may be recycled.
   */
  readonly release?: () => void;
  /**
   * The version (Tensor._version) of each input when the op ran; undefined when all were 0. The engine
   * uses it to send each input's gradient to the history the input had then (an in-place op since
   * gave the tensor a new one, src/autograd/inplace.ts), and, unless `savesNothing`, to refuse a
   * backward whose inputs were modified in place since (their values are what the closure reads).
   */
  versions?: readonly number[];
  /** True when the closure reads no input's values (views, add, sum, ...): in-place changes are harmless. */
  savesNothing?: boolean;
  /** The op's result when the closure reads it (exp, sigmoid, tanh), with its version then. */
  savedOutput?: { readonly t: Tensor; readonly version: number };
}
