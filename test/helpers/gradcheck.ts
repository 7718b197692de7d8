/**
 * Finite-difference gradient check for any differentiable function of tensors.
 *
 * Tensors hold float32, so the function cannot be evaluated in float64; instead the check keeps the
 * error small by (1) reducing the output(s) to one float64 number L = sum_i w_i * out_i with fixed
 * random weights w (so every output element matters and no float32 sum rounds it), (2) using central
 * differences divided by the perturbation that float32 actually stored (fl(x + eps) - fl(x - eps)),
 * and (3) a modest eps (1e-2 by default), whose O(eps^2) truncation error is far below the tolerance
 * for smooth functions. Choose inputs at least eps away from kinks (|x| at 0, clamp bounds, ties).
 *
 * Usage: gradcheck((a, b) => div(a, b), [a, b]) with a/b created with requiresGrad: true. Inputs that
 * do not require grad are held constant. Throws an Error naming the input and element that failed.
 */
import { Tensor } from '../../src/tensor.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { Generator } from '../../src/util/generator.js';

export interface GradcheckOptions {
  /** Perturbation (default 1e-2). */
  eps?: number;
  /** Relative tolerance against the numerical gradient (default 1e-2). */
  rtol?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Seed of the output weights (default 7). */
  seed?: number;
}

type Output = Tensor | readonly Tensor[] | { values: Tensor };

function outputsOf(out: Output): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return [...out];
  return [(out as { values: Tensor }).values];
}

/** Check autograd gradients of fn at `inputs` against central differences; returns the analytic grads. */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Output,
  inputs: Tensor[],
  opts: GradcheckOptions = {},
): (Tensor | null)[] {
  const eps = opts.eps ?? 1e-2;
  const rtol = opts.rtol ?? 1e-2;
  const atol = opts.atol ?? 1e-3;
  const checked = inputs.filter((t) => t.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck: no input requires grad');
  for (const t of checked) {
    if (!t.isLeaf) throw new Error('gradcheck: inputs must be leaf tensors');
    t.grad = null;
  }

  // Analytic: backward with the weights as the incoming gradient of each output.
  const outs = outputsOf(fn(...inputs));
  const g = new Generator(opts.seed ?? 7);
  const weights = outs.map((o) => {
    const w = new Float32Array(o.numel());
    for (let i = 0; i < w.length; i++) w[i] = 2 * g.random() - 1;
    return w;
  });
  const differentiable = outs.filter((o) => o.requiresGrad);
  if (differentiable.length === 0) throw new Error('gradcheck: no output requires grad');
  outs.forEach((o, k) => {
    if (o.requiresGrad) o.backward(new Tensor(weights[k], o.shape), { retainGraph: true });
  });
  const analytic = inputs.map((t) => (t.requiresGrad ? t.grad : null));

  const loss = (): number =>
    noGrad(() => {
      const os = outputsOf(fn(...inputs));
      let s = 0;
      os.forEach((o, k) => {
        if (!outs[k].requiresGrad) return; // index outputs etc. are not differentiable
        const d = o.data;
        const w = weights[k];
        for (let i = 0; i < d.length; i++) s += w[i] * d[i];
      });
      return s;
    });

  inputs.forEach((t, which) => {
    if (!t.requiresGrad) return;
    const grad = analytic[which];
    if (grad !== null && (grad.numel() !== t.numel() || grad.shape.some((s, i) => s !== t.shape[i]))) {
      throw new Error(`gradcheck: gradient of input ${which} has shape (${grad.shape.join(', ')}), expected (${t.shape.join(', ')})`);
    }
    const d = t.data as Float32Array;
    for (let i = 0; i < d.length; i++) {
      const orig = d[i];
      d[i] = orig + eps;
      const xp = d[i];
      const lp = loss();
      d[i] = orig - eps;
      const xm = d[i];
      const lm = loss();
      d[i] = orig;
      const numeric = (lp - lm) / (xp - xm);
      const got = grad === null ? 0 : grad.data[i];
      if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(`gradcheck: input ${which} element ${i}: autograd ${got}, finite difference ${numeric} (eps ${eps}, rtol ${rtol}, atol ${atol})`);
      }
    }
  });
  for (const t of checked) t.grad = null;
  return analytic;
}
