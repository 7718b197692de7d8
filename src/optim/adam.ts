/** Adam and AdamW (decoupled weight decay), both with the AMSGrad variant. */
import type { Tensor } from '../tensor.js';
import type { AdamParams } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { Optimizer, checkBoolean, checkNonNegative, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

/** Adam's and AdamW's options (per group). */
export type AdamOptions = {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Term added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay rate (default 1e-2). */
  weightDecay: number;
  /** Use AMSGrad: normalize by the running maximum of the second moment (default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
};

const ADAM_DEFAULTS: Partial<AdamOptions> = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/**
 * One Adam/AdamW step over a group, PyTorch 1.13 `_single_tensor_adam` / `_single_tensor_adamw`: the
 * update of each parameter runs through the backend's `adamStep` kernel (one call per parameter; the
 * formula and its float32 rounding: `AdamParams` in src/backend/backend.ts, spelled out by the ref
 * backend). The bias corrections 1 - beta ** step stay doubles, as in PyTorch.
 */
function adamUpdate(
  group: ParamGroup<AdamOptions>,
  decoupled: boolean,
  gradOf: (p: Tensor) => Float32Array | null,
  stateOf: (p: Tensor) => ParamState,
): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = group.betas;
  const backend = getBackend();
  for (const param of group.params) {
    const grad = gradOf(param);
    if (grad === null) continue;
    const n = param.data.length;
    const st = stateOf(param);
    if (typeof st.step !== 'number') {
      st.step = 0;
      st.exp_avg = new Float32Array(n);
      st.exp_avg_sq = new Float32Array(n);
      if (amsgrad) st.max_exp_avg_sq = new Float32Array(n);
    }
    const step = (st.step as number) + 1;
    st.step = step;
    if (amsgrad && !(st.max_exp_avg_sq instanceof Float32Array)) st.max_exp_avg_sq = new Float32Array(n);
    const p: AdamParams = {
      lr, beta1, beta2, eps, weightDecay, biasCorrection1: 1 - beta1 ** step, biasCorrection2: 1 - beta2 ** step,
      amsgrad, maximize, decoupled,
    };
    backend.adamStep(param.data as Float32Array, grad, st.exp_avg as Float32Array, st.exp_avg_sq as Float32Array,
      amsgrad ? (st.max_exp_avg_sq as Float32Array) : null, p);
  }
}

function checkAdamOptions(name: string, o: Partial<AdamOptions>, where: string): void {
  checkNonNegative(name, o, 'lr', 'learning rate', where);
  checkNonNegative(name, o, 'eps', 'epsilon value', where);
  if (o.betas !== undefined) {
    const b = o.betas as unknown;
    const at = where ? ` in ${where}` : '';
    if (!Array.isArray(b) || b.length !== 2 || typeof b[0] !== 'number' || typeof b[1] !== 'number') {
      throw new TypeError(`${name}: expected betas to be an array of two numbers${at}, got ${Array.isArray(b) ? `[${b.join(', ')}]` : typeof b}`);
    }
    b.forEach((beta: number, i: number) => {
      if (!(beta >= 0 && beta < 1)) throw new RangeError(`${name}: invalid beta parameter at index ${i}${at}: expected 0 <= betas[${i}] < 1, got ${beta}`);
    });
  }
  checkNonNegative(name, o, 'weightDecay', 'weight decay value', where);
  checkBoolean(name, o, 'amsgrad', where);
  checkBoolean(name, o, 'maximize', where);
}

function adamRequiredState(group: ParamGroup<AdamOptions>): readonly string[] {
  return group.amsgrad ? ['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['step', 'exp_avg', 'exp_avg_sq'];
}

/**
 * Adam (torch.optim.Adam, PyTorch 1.13 semantics), for each parameter with a gradient, step t:
 * ```
 * g = maximize ? -grad : grad
 * if weightDecay != 0:  g = g + weightDecay * p          // L2 penalty, coupled with the moments
 * m = β1·m + (1 − β1)·g
 * v = β2·v + (1 − β2)·g²
 * if amsgrad:  vMax = max(vMax, v);  v̂ = vMax  else  v̂ = v
 * p = p − lr / (1 − β1^t) · m / (sqrt(v̂) / sqrt(1 − β2^t) + eps)
 * ```
 * Note eps is added after dividing sqrt(v̂) by sqrt(1 − β2^t), as PyTorch does. State per parameter:
 * `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad. Errors: lr, eps, weightDecay < 0;
 * a beta outside [0, 1).
 *
 * @example
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, ADAM_DEFAULTS, options);
  }

  protected checkOptions(o: Partial<AdamOptions>, where: string): void {
    checkAdamOptions(this.name, o, where);
  }

  protected override requiredState(group: ParamGroup<AdamOptions>): readonly string[] {
    return adamRequiredState(group);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>, groupIndex: number): void {
    adamUpdate(group, false, (p) => this.gradOf(p, groupIndex), (p) => this.stateOf(p));
  }
}

/**
 * AdamW (torch.optim.AdamW, PyTorch 1.13 semantics): Adam with decoupled weight decay. Each step first
 * shrinks the parameter, `p = p · (1 − lr · weightDecay)`, then applies the Adam update to it with the
 * raw gradient (no L2 term in the moments). weightDecay defaults to 1e-2. Same state and errors as
 * {@link Adam}.
 *
 * @example
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, { ...ADAM_DEFAULTS, weightDecay: 1e-2 }, options);
  }

  protected checkOptions(o: Partial<AdamOptions>, where: string): void {
    checkAdamOptions(this.name, o, where);
  }

  protected override requiredState(group: ParamGroup<AdamOptions>): readonly string[] {
    return adamRequiredState(group);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>, groupIndex: number): void {
    adamUpdate(group, true, (p) => this.gradOf(p, groupIndex), (p) => this.stateOf(p));
  }

  /** param.mul_(1 - lr * weightDecay) then the Adam update, as PyTorch 1.13's AdamW. */
  protected override paramWritesPerStep(): number {
    return 2;
  }
}
