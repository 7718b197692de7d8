/** LambdaLR: the learning rate is the initial lr times a user function of the epoch. */
import type { Optimizer } from '../optimizer.js';
import { describeValue } from '../../util/describe.js';
import { LRScheduler, checkOptionsObject, type LRSchedulerOptions } from './lr-scheduler.js';

/** A multiplicative factor as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

/**
 * lr(t) = initialLr · lrLambda(t) for each group (torch.optim.lr_scheduler.LambdaLR); pass one function
 * for all groups or one per group.
 *
 * The state dict stores `lr_lambdas` as null per function (functions are not saved, as in PyTorch for
 * plain functions); loading restores epoch and rates and keeps the functions given to the constructor.
 *
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 * ```
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], options: LRSchedulerOptions = {}) {
    super('LambdaLR', optimizer);
    checkOptionsObject(this.name, options, ['lastEpoch']);
    const n = this.optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) throw new RangeError(`${this.name}: expected ${n} lr_lambdas, but got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else {
      this.lrLambdas = new Array<LrLambda>(n).fill(lrLambda as LrLambda);
    }
    for (const fn of this.lrLambdas) {
      if (typeof fn !== 'function') throw new TypeError(`${this.name}: expected lrLambda to be a function or an array of functions, got ${describeValue(fn)}`);
    }
    this.start(options.lastEpoch);
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => {
      const factor = this.lrLambdas[i](this.lastEpoch);
      if (typeof factor !== 'number') throw new TypeError(`${this.name}: lrLambda must return a number, got ${describeValue(factor)}`);
      return b * factor;
    });
  }

  protected fields(): Record<string, unknown> {
    return { lr_lambdas: this.lrLambdas.map(() => null) };
  }

  protected loadFields(): void {}
}
