/** StepLR: decay the learning rate by gamma every stepSize epochs. */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, orDefault, checkOptionsObject, intField, numberField, type LRSchedulerOptions } from './lr-scheduler.js';

export interface StepLROptions extends LRSchedulerOptions {
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiply each group's lr by `gamma` every `stepSize` epochs (torch.optim.lr_scheduler.StepLR):
 * lr = initialLr · gamma^floor(epoch / stepSize) when nothing else changes the lr. Chainable: it
 * multiplies the group's current lr at each boundary.
 *
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, stepSize: number, options: StepLROptions = {}) {
    super('StepLR', optimizer);
    checkOptionsObject(this.name, options, ['lastEpoch', 'gamma']);
    this.stepSize = intField(this.name, 'stepSize', stepSize, 1);
    this.gamma = numberField(this.name, 'gamma', orDefault(options.gamma, 0.1));
    this.start(options.lastEpoch);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  protected fields(): Record<string, unknown> {
    return { step_size: this.stepSize, gamma: this.gamma };
  }

  protected loadFields(op: string, sd: Record<string, unknown>): void {
    const stepSize = intField(op, 'step_size', sd.step_size, 1);
    const gamma = numberField(op, 'gamma', sd.gamma);
    this.stepSize = stepSize;
    this.gamma = gamma;
  }
}
