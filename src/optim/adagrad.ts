/** Adagrad: per-coordinate learning rates from the sum of squared gradients. */
import { Optimizer, checkBoolean, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

/** Adagrad's options (per group). */
export type AdagradOptions = {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t − 1)·lrDecay) (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Term added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
};

const ADAGRAD_DEFAULTS: Partial<AdagradOptions> = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

const f = Math.fround;

/**
 * Adagrad (torch.optim.Adagrad, PyTorch 1.13 semantics), for each parameter with a gradient, step t:
 * ```
 * g = maximize ? -grad : grad
 * if weightDecay != 0:  g = g + weightDecay * p
 * clr = lr / (1 + (t − 1)·lrDecay)
 * sum = sum + g²
 * p = p − clr · g / (sqrt(sum) + eps)
 * ```
 * As in PyTorch the state (`step` = 0, `sum` = initialAccumulatorValue) is created for every parameter
 * when its group is added, so it appears in `stateDict()` before the first step. Errors: lr, lrDecay,
 * weightDecay, initialAccumulatorValue, eps < 0.
 *
 * @example
 * ```ts
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1, lrDecay: 1e-3 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, ADAGRAD_DEFAULTS, options);
  }

  protected checkOptions(o: Partial<AdagradOptions>, where: string): void {
    checkNonNegative(this.name, o, 'lr', 'learning rate', where);
    checkNonNegative(this.name, o, 'lrDecay', 'lr_decay value', where);
    checkNonNegative(this.name, o, 'weightDecay', 'weight decay value', where);
    checkNonNegative(this.name, o, 'initialAccumulatorValue', 'initial_accumulator_value value', where);
    checkNonNegative(this.name, o, 'eps', 'epsilon value', where);
    checkBoolean(this.name, o, 'maximize', where);
  }

  protected override requiredState(): readonly string[] {
    return ['step', 'sum'];
  }

  protected override onGroupAdded(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) this.initState(p.data.length, this.stateOf(p), group.initialAccumulatorValue);
  }

  private initState(n: number, st: Record<string, unknown>, init: number): void {
    st.step = 0;
    const sum = new Float32Array(n);
    if (init !== 0) sum.fill(init);
    st.sum = sum;
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>, groupIndex: number): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    const wd = f(weightDecay);
    const epsF = f(eps);
    for (const param of group.params) {
      const grad = this.gradOf(param, groupIndex);
      if (grad === null) continue;
      const n = param.data.length;
      const st = this.stateOf(param);
      // A state dict from PyTorch may lack the state of a parameter that was added after construction.
      if (typeof st.step !== 'number' || !(st.sum instanceof Float32Array)) this.initState(n, st, group.initialAccumulatorValue);
      const step = (st.step as number) + 1;
      st.step = step;
      const sum = st.sum as Float32Array;
      const negClr = f(-(lr / (1 + (step - 1) * lrDecay)));
      const p = param.data as Float32Array;
      for (let i = 0; i < n; i++) {
        let g = maximize ? -grad[i] : grad[i];
        if (weightDecay !== 0) g = f(g + wd * p[i]);
        const s = f(sum[i] + g * g);
        sum[i] = s;
        const std = f(f(Math.sqrt(s)) + epsF);
        p[i] = f(p[i] + f(f(negClr * g) / std));
      }
    }
  }
}
