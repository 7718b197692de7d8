/**
 * Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_). The trailing underscore marks
 * functions that modify the gradients in place, as in PyTorch; `clipGradNorm` and `clipGradValue` are
 * the same functions without it.
 */
import { Tensor } from '../../tensor.js';
import { describeValue } from '../../util/describe.js';

/** Options of `nn.utils.clipGradNorm_`: the norm type and whether a non-finite total norm is an error. */
export interface ClipGradNormOptions {
  /** Order p of the norm: any number, Infinity or 'inf' (max |g|), -Infinity or '-inf' (default 2). */
  normType?: number | 'inf' | '-inf';
  /** Throw a RangeError if the total norm is NaN or infinite (default false: scale by it anyway). */
  errorIfNonfinite?: boolean;
}

const f = Math.fround;

/** The float32 gradient tensors of `parameters` that are set (a Tensor or an iterable of Tensors). */
function gradsOf(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  let list: unknown[];
  if (parameters instanceof Tensor) list = [parameters];
  else if (parameters !== null && typeof parameters === 'object' && Symbol.iterator in parameters) list = Array.from(parameters);
  else throw new TypeError(`${op}: expected parameters to be a Tensor or an iterable of Tensors, got ${describeValue(parameters)}`);
  const grads: Tensor[] = [];
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: expected parameters to hold Tensors, got ${describeValue(p)}`);
    if (p.grad === null) continue;
    if (!(p.grad.data instanceof Float32Array)) throw new TypeError(`${op}: expected float32 gradients, got ${p.grad.dtype}`);
    grads.push(p.grad);
  }
  return grads;
}

/** The p-norm of x, rounded to float32 like a torch.norm result (0: count of non-zeros). */
function vectorNorm(x: ArrayLike<number>, p: number): number {
  const n = x.length;
  if (p === Infinity || p === -Infinity) {
    if (n === 0) return p === Infinity ? 0 : Infinity;
    let m = Math.abs(x[0]);
    for (let i = 1; i < n; i++) {
      const a = Math.abs(x[i]);
      if (Number.isNaN(a) || (p === Infinity ? a > m : a < m)) m = a;
      if (Number.isNaN(m)) break;
    }
    return f(m);
  }
  let acc = 0;
  if (p === 0) {
    for (let i = 0; i < n; i++) if (x[i] !== 0) acc += 1;
    return f(acc);
  }
  if (p === 1) {
    for (let i = 0; i < n; i++) acc += Math.abs(x[i]);
    return f(acc);
  }
  if (p === 2) {
    for (let i = 0; i < n; i++) acc += x[i] * x[i];
    return f(Math.sqrt(acc));
  }
  for (let i = 0; i < n; i++) acc += Math.abs(x[i]) ** p;
  return f(acc ** (1 / p));
}

/**
 * Scale the gradients of `parameters` in place so that their total norm, computed over all gradients
 * together as if concatenated into one vector, is at most `maxNorm`; returns that total norm (before
 * clipping) as a 0-d Tensor. PyTorch 1.13's arithmetic: the total is the norm of the per-gradient
 * norms, and each gradient is multiplied by min(1, maxNorm / (total + 1e-6)). Parameters without a
 * gradient are skipped; with none at all the result is 0.
 *
 * Errors: a non-Tensor parameter (TypeError); maxNorm negative or NaN (RangeError; PyTorch would flip
 * the gradients' signs); a non-finite total norm with `errorIfNonfinite` (RangeError).
 *
 * @example
 * ```ts
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 * ```
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, opts: ClipGradNormOptions = {}): Tensor {
  const op = 'clipGradNorm_';
  if (typeof maxNorm !== 'number') throw new TypeError(`${op}: expected maxNorm to be a number, got ${describeValue(maxNorm)}`);
  if (!(maxNorm >= 0)) throw new RangeError(`${op}: expected maxNorm >= 0, got ${maxNorm}`);
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${op}: expected options to be an object, got ${describeValue(opts)}`);
  const raw = opts.normType ?? 2;
  let p: number;
  if (raw === 'inf') p = Infinity;
  else if (raw === '-inf') p = -Infinity;
  else if (typeof raw === 'number' && !Number.isNaN(raw)) p = raw;
  else throw new TypeError(`${op}: expected normType to be a number, 'inf' or '-inf', got ${describeValue(raw)}`);
  const errorIfNonfinite = opts.errorIfNonfinite ?? false;
  if (typeof errorIfNonfinite !== 'boolean') throw new TypeError(`${op}: expected errorIfNonfinite to be a boolean, got ${describeValue(errorIfNonfinite)}`);

  const gradTensors = gradsOf(op, parameters);
  if (gradTensors.length === 0) return new Tensor(new Float32Array([0]), []);
  const grads = gradTensors.map((g) => g.data as Float32Array);
  const norms = grads.map((g) => vectorNorm(g, p));
  const total = vectorNorm(norms, p);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(
      `${op}: the total norm of order ${p} for gradients from parameters is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite to false',
    );
  }
  // max_norm / (total + 1e-6) as PyTorch evaluates it on a float32 tensor: reciprocal, then multiply.
  const coef = Math.min(f(f(1 / f(total + f(1e-6))) * f(maxNorm)), 1);
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) g[i] = f(g[i] * coef);
  }
  // PyTorch 1.13 scales each gradient with g.detach().mul_(coef), which bumps its version (even when
  // coef is 1); clip_grad_value_ writes through .data, which does not.
  for (const g of gradTensors) g._bumpVersion();
  return new Tensor(new Float32Array([total]), []);
}

/**
 * Clamp every gradient of `parameters` in place to [-clipValue, clipValue]
 * (torch.nn.utils.clip_grad_value_). Parameters without a gradient are skipped; NaN stays NaN.
 * Errors: clipValue negative or NaN (RangeError; PyTorch would set every gradient to -|clipValue|).
 *
 * @example
 * ```ts
 * nn.utils.clipGradValue_(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const op = 'clipGradValue_';
  if (typeof clipValue !== 'number') throw new TypeError(`${op}: expected clipValue to be a number, got ${describeValue(clipValue)}`);
  if (!(clipValue >= 0)) throw new RangeError(`${op}: expected clipValue >= 0, got ${clipValue}`);
  const c = f(clipValue);
  for (const t of gradsOf(op, parameters)) {
    const g = t.data as Float32Array;
    for (let i = 0; i < g.length; i++) {
      const x = g[i];
      if (x > c) g[i] = c;
      else if (x < -c) g[i] = -c;
    }
  }
}

/** {@link clipGradNorm_} without the trailing underscore (same function). */
export const clipGradNorm = clipGradNorm_;

/** {@link clipGradValue_} without the trailing underscore (same function). */
export const clipGradValue = clipGradValue_;
