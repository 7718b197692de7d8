/** SGD: stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay. */
import type { SgdParams } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { Optimizer, checkBoolean, checkNonNegative, checkNumber, type ParamGroup, type ParamsArg } from './optimizer.js';

/** SGD's options (per group; the constructor's values are the defaults of every group). */
export type SGDOptions = {
  /** Learning rate (required, here or in every group). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening = 0. */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
};

const SGD_DEFAULTS: Partial<SGDOptions> = {
  lr: undefined,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * Stochastic gradient descent, torch.optim.SGD with PyTorch's exact algorithm. For every parameter p
 * with a gradient g, step t = 1, 2, ...:
 * ```
 * d = maximize ? -g : g
 * if weightDecay != 0:  d = d + weightDecay * p
 * if momentum != 0:
 *   b = (t == 1) ? d                                   // first step: a copy, no dampening
 *                : momentum * b + (1 - dampening) * d
 *   d = nesterov ? d + momentum * b : b
 * p = p - lr * d
 * ```
 * The momentum buffer `b` is stored without the learning rate and lives in the optimizer state as
 * `momentum_buffer`. The update runs through the backend's `sgdStep` kernel, one call per parameter.
 *
 * **Relation to the textbook formula** `v = μ·v − lr·(g + wd·w); w = w + v` (as often quoted for
 * torch.optim.SGD): with dampening = 0 and a constant lr the two are the same algorithm, since v = −lr·b
 * at every step (including the first, where v starts at 0). They differ
 * - under a learning-rate schedule: PyTorch multiplies the whole buffer by the current lr, so changing
 *   lr rescales the accumulated velocity at once, while the textbook v keeps each past step's lr;
 * - with dampening τ ≠ 0: PyTorch scales new gradients by (1 − τ) from step 2 on, but the first
 *   step's buffer is the undamped gradient;
 * - with nesterov, which PyTorch implements as p = p − lr·(d + μ·b).
 *
 * Argument errors follow PyTorch: lr, momentum and weightDecay must be >= 0, nesterov needs
 * momentum > 0 and dampening = 0, a parameter may be in only one group, the parameter list may not be
 * empty.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.003, momentum: 0.9 });
 * opt.zeroGrad();
 * lossFn(model.forward(x), y).backward();
 * opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, SGD_DEFAULTS, options);
  }

  protected checkOptions(o: Partial<SGDOptions>, where: string): void {
    checkNonNegative(this.name, o, 'lr', 'learning rate', where);
    checkNonNegative(this.name, o, 'momentum', 'momentum value', where);
    checkNumber(this.name, o, 'dampening', where);
    checkNonNegative(this.name, o, 'weightDecay', 'weight decay value', where);
    checkBoolean(this.name, o, 'nesterov', where);
    checkBoolean(this.name, o, 'maximize', where);
    if (o.nesterov && (!((o.momentum ?? 0) > 0) || o.dampening !== 0)) {
      throw new RangeError(`${this.name}: Nesterov momentum requires a momentum and zero dampening${where ? ` (${where})` : ''}: got momentum ${o.momentum}, dampening ${o.dampening}`);
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>, groupIndex: number): void {
    const backend = getBackend();
    const p: SgdParams = {
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      weightDecay: group.weightDecay,
      nesterov: group.nesterov,
      maximize: group.maximize,
      firstStep: false,
    };
    for (const param of group.params) {
      const grad = this.gradOf(param, groupIndex);
      if (grad === null) continue;
      const st = this.stateOf(param);
      let buf = st.momentum_buffer instanceof Float32Array ? st.momentum_buffer : null;
      p.firstStep = false;
      if (p.momentum !== 0 && buf === null) {
        buf = new Float32Array(param.data.length);
        p.firstStep = true;
      }
      backend.sgdStep(param.data as Float32Array, grad, p.momentum !== 0 ? buf : null, p);
      st.momentum_buffer = buf;
    }
  }
}
