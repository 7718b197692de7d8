/**
 * Reverse-mode autograd, micrograd-sized: topologically sort the graph under the root, seed the root's
 * gradient, walk it backwards accumulating input gradients, and add into leaves' `.grad`.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { setGradEnabled } from './grad-mode.js';

export function runBackward(root: Tensor, gradient: Tensor | undefined, retainGraph: boolean): void {
  if (!root.requiresGrad) {
    throw new Error('backward: element 0 of tensors does not require grad and does not have a gradFn');
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.numel() !== 1) throw new Error(`backward: grad can be implicitly created only for scalar outputs, got shape ${shapeStr(root.shape)}`);
    seed = new Tensor(new Float32Array([1]), root.shape);
  } else {
    if (!(gradient instanceof Tensor)) throw new TypeError('backward: expected gradient to be a Tensor');
    if (gradient.ndim !== root.ndim || gradient.shape.some((d, i) => d !== root.shape[i])) {
      throw new RangeError(`backward: expected gradient of shape ${shapeStr(root.shape)}, got ${shapeStr(gradient.shape)}`);
    }
    seed = new Tensor(Float32Array.from(gradient.data), root.shape);
  }

  const order = topoSort(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const prev = setGradEnabled(false);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const fn = t.gradFn;
      if (fn === null) {
        accumulateLeaf(t, g);
        continue;
      }
      if (fn.backward === null) {
        throw new Error(
          `backward: trying to backward through the graph a second time (${fn.name}); its saved tensors were freed. ` +
            'Pass { retainGraph: true } to the first backward() if you need to.',
        );
      }
      const inGrads = fn.backward(g);
      if (!retainGraph) fn.backward = null;
      fn.inputs.forEach((inp, k) => {
        const ig = inGrads[k];
        if (inp === null || ig === null || ig === undefined || !inp.requiresGrad) return;
        const have = grads.get(inp);
        grads.set(inp, have === undefined ? ig : addInto(have, ig));
      });
    }
  } finally {
    setGradEnabled(prev);
  }
}

/** Graph nodes under root in topological order (inputs before outputs), iteratively. */
function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0].gradFn?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next !== null && next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(top[0]);
    }
  }
  return order;
}

/** a + b as a new tensor (a and b may be views an op still holds). Both have a's size. */
function addInto(a: Tensor, b: Tensor): Tensor {
  const out = new Float32Array(a.data.length);
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < out.length; i++) out[i] = ad[i] + bd[i];
  return new Tensor(out, a.shape);
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (g.numel() !== leaf.numel()) {
    throw new Error(`backward: gradient of shape ${shapeStr(g.shape)} does not match leaf of shape ${shapeStr(leaf.shape)}`);
  }
  if (leaf.grad === null) {
    // Own the storage: the gradient may be a view of something an op still holds.
    leaf.grad = new Tensor(Float32Array.from(g.data), leaf.shape);
  } else {
    const gd = leaf.grad.data;
    const src = g.data;
    for (let i = 0; i < gd.length; i++) gd[i] += src[i];
  }
}
