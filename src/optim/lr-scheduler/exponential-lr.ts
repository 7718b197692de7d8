/** ExponentialLR: decay the learning rate by gamma every epoch. */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkOptionsObject, numberField, type LRSchedulerOptions } from './lr-scheduler.js';

/**
 * Multiply each group's lr by `gamma` every epoch (torch.optim.lr_scheduler.ExponentialLR):
 * lr = initialLr · gamma^epoch when nothing else changes the lr.
 *
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.ExponentialLR(opt, 0.95);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, gamma: number, options: LRSchedulerOptions = {}) {
    super('ExponentialLR', optimizer);
    checkOptionsObject(this.name, options, ['lastEpoch']);
    this.gamma = numberField(this.name, 'gamma', gamma);
    this.start(options.lastEpoch);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }

  protected fields(): Record<string, unknown> {
    return { gamma: this.gamma };
  }

  protected loadFields(op: string, sd: Record<string, unknown>): void {
    this.gamma = numberField(op, 'gamma', sd.gamma);
  }
}
