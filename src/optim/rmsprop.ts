/** RMSprop, optionally centered and with momentum. */
import { Optimizer, checkBoolean, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

/** RMSprop's options (per group). */
export type RMSpropOptions = {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the running average of squared gradients (default 0.99). */
  alpha: number;
  /** Term added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
};

const RMSPROP_DEFAULTS: Partial<RMSpropOptions> = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

const f = Math.fround;

/**
 * RMSprop (torch.optim.RMSprop, PyTorch 1.13 semantics), for each parameter with a gradient:
 * ```
 * g = maximize ? -grad : grad
 * if weightDecay != 0:  g = g + weightDecay * p
 * v = alpha·v + (1 − alpha)·g²                       // square_avg
 * if centered:  gAvg = alpha·gAvg + (1 − alpha)·g;  avg = sqrt(v − gAvg²) + eps
 * else          avg = sqrt(v) + eps
 * if momentum > 0:  b = momentum·b + g / avg;  p = p − lr·b
 * else              p = p − lr·g / avg
 * ```
 * State per parameter: `step` (a counter), `square_avg`, `momentum_buffer` when momentum > 0 and
 * `grad_avg` when centered. Errors: lr, alpha, eps, momentum, weightDecay < 0.
 *
 * @example
 * ```ts
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, RMSPROP_DEFAULTS, options);
  }

  protected checkOptions(o: Partial<RMSpropOptions>, where: string): void {
    checkNonNegative(this.name, o, 'lr', 'learning rate', where);
    checkNonNegative(this.name, o, 'eps', 'epsilon value', where);
    checkNonNegative(this.name, o, 'momentum', 'momentum value', where);
    checkNonNegative(this.name, o, 'weightDecay', 'weight decay value', where);
    checkNonNegative(this.name, o, 'alpha', 'alpha value', where);
    checkBoolean(this.name, o, 'centered', where);
    checkBoolean(this.name, o, 'maximize', where);
  }

  protected override requiredState(group: ParamGroup<RMSpropOptions>): readonly string[] {
    const keys = ['step', 'square_avg'];
    if (group.momentum > 0) keys.push('momentum_buffer');
    if (group.centered) keys.push('grad_avg');
    return keys;
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>, groupIndex: number): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    const alphaF = f(alpha);
    const oneMinusAlpha = f(1 - alpha);
    const epsF = f(eps);
    const wd = f(weightDecay);
    const mom = f(momentum);
    const negLr = f(-lr);
    for (const param of group.params) {
      const grad = this.gradOf(param, groupIndex);
      if (grad === null) continue;
      const n = param.data.length;
      const st = this.stateOf(param);
      if (typeof st.step !== 'number') {
        st.step = 0;
        st.square_avg = new Float32Array(n);
        if (momentum > 0) st.momentum_buffer = new Float32Array(n);
        if (centered) st.grad_avg = new Float32Array(n);
      }
      st.step += 1;
      const sq = st.square_avg as Float32Array;
      const buf = momentum > 0 ? this.bufferOf(st, 'momentum_buffer', n) : null;
      const gAvg = centered ? this.bufferOf(st, 'grad_avg', n) : null;
      const p = param.data as Float32Array;
      for (let i = 0; i < n; i++) {
        let g = maximize ? -grad[i] : grad[i];
        if (weightDecay !== 0) g = f(g + wd * p[i]);
        const v = f(f(sq[i] * alphaF) + f(oneMinusAlpha * g) * g);
        sq[i] = v;
        let avg: number;
        if (gAvg !== null) {
          const ga = f(f(gAvg[i] * alphaF) + oneMinusAlpha * g);
          gAvg[i] = ga;
          avg = f(Math.sqrt(f(v - ga * ga)));
        } else {
          avg = f(Math.sqrt(v));
        }
        avg = f(avg + epsF);
        if (buf !== null) {
          const b = f(f(buf[i] * mom) + f(g / avg));
          buf[i] = b;
          p[i] = f(p[i] + negLr * b);
        } else {
          p[i] = f(p[i] + f(f(negLr * g) / avg));
        }
      }
    }
  }
}
