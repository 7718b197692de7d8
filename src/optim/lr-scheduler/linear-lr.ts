/** LinearLR: scale the learning rate by a factor that changes linearly over totalIters epochs. */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, orDefault, checkOptionsObject, intField, numberField, type LRSchedulerOptions } from './lr-scheduler.js';

export interface LinearLROptions extends LRSchedulerOptions {
  /** Factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from epoch totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Number of epochs over which the factor moves (default 5). */
  totalIters?: number;
}

function factor(op: string, name: string, v: unknown, allowZero: boolean): number {
  const x = numberField(op, name, v);
  if (!((allowZero ? x >= 0 : x > 0) && x <= 1)) {
    throw new RangeError(`${op}: ${name} expected to be ${allowZero ? 'between 0 and 1' : 'greater than 0 and less than or equal to 1'}, got ${x}`);
  }
  return x;
}

/**
 * Multiply each group's initial lr by a factor moving linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs, then constant (torch.optim.lr_scheduler.LinearLR), a common warm-up:
 * lr(t) = initialLr · (startFactor + (endFactor − startFactor) · min(t, totalIters) / totalIters).
 * Computed recursively from the current lr, as PyTorch does. startFactor must be > 0 (PyTorch 1.13
 * accepts 0 and then divides by zero).
 *
 * @example
 * ```ts
 * const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 * ```
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super('LinearLR', optimizer);
    checkOptionsObject(this.name, options, ['lastEpoch', 'startFactor', 'endFactor', 'totalIters']);
    this.startFactor = factor(this.name, 'startFactor', orDefault(options.startFactor, 1 / 3), false);
    this.endFactor = factor(this.name, 'endFactor', orDefault(options.endFactor, 1), true);
    this.totalIters = intField(this.name, 'totalIters', orDefault(options.totalIters, 5), 1);
    this.start(options.lastEpoch);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return groups.map((g) => g.lr * s);
    if (e > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, e)) / n));
  }

  protected fields(): Record<string, unknown> {
    return { start_factor: this.startFactor, end_factor: this.endFactor, total_iters: this.totalIters };
  }

  protected loadFields(op: string, sd: Record<string, unknown>): void {
    const s = factor(op, 'start_factor', sd.start_factor, false);
    const f = factor(op, 'end_factor', sd.end_factor, true);
    const n = intField(op, 'total_iters', sd.total_iters, 1);
    this.startFactor = s;
    this.endFactor = f;
    this.totalIters = n;
  }
}
