/** SequentialLR: run schedulers one after another, switching at milestones. */
import type { Optimizer } from '../optimizer.js';
import { describeValue } from '../../util/describe.js';
import { LRScheduler, orDefault, checkOptimizer, intField, checkOptionsObject, numberArray, numberField, stateDictRecord, type LRSchedulerOptions, type Scheduler, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * Run `schedulers[0]` until epoch `milestones[0]`, then `schedulers[1]` (restarted at its epoch 0)
 * until `milestones[1]`, and so on (torch.optim.lr_scheduler.SequentialLR, PyTorch 1.13 semantics).
 * Create the inner schedulers on the same optimizer first; SequentialLR resets the lr to each group's
 * `initialLr` and replays the first scheduler's initial step.
 *
 * @example
 * ```ts
 * const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new optim.lrScheduler.CosineAnnealingLR(opt, 95);
 * const sched = new optim.lrScheduler.SequentialLR(opt, [warmup, decay], [5]);
 * ```
 */
export class SequentialLR implements Scheduler {
  readonly optimizer: Optimizer;
  readonly schedulers: LRScheduler[];
  milestones: number[];
  lastEpoch: number;
  private lastLr: number[];
  private readonly name = 'SequentialLR';

  constructor(optimizer: Optimizer, schedulers: readonly LRScheduler[], milestones: readonly number[], options: LRSchedulerOptions = {}) {
    const op = this.name;
    this.optimizer = checkOptimizer(op, optimizer);
    checkOptionsObject(op, options, ['lastEpoch']);
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new TypeError(`${op}: expected schedulers to be a non-empty array of schedulers, got ${describeValue(schedulers)}`);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`${op}: expected schedulers[${i}] to be an LRScheduler, got ${describeValue(s)}`);
      if (s.optimizer !== optimizer) {
        throw new RangeError(`${op}: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in`);
      }
    });
    const ms = numberArray(op, 'milestones', milestones);
    if (ms.length !== schedulers.length - 1) {
      throw new RangeError(`${op}: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${ms.length}`);
    }
    this.schedulers = [...schedulers];
    this.milestones = ms;
    this.lastEpoch = intField(op, 'lastEpoch', orDefault(options.lastEpoch, -1), -1) + 1;
    for (const g of this.optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  /** Advance by one epoch: step the scheduler of the current interval (restarting it at its milestone). */
  step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.stepTo(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** `{ _milestones, last_epoch, _last_lr, _schedulers: [each inner scheduler's state dict] }`. */
  stateDict(): SchedulerStateDict {
    return {
      _milestones: [...this.milestones],
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

/** Restore a state from `stateDict()`, the child schedulers' states included. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const sd = stateDictRecord(op, stateDict);
    const milestones = numberArray(op, '_milestones', sd._milestones);
    const lastEpoch = numberField(op, 'last_epoch', sd.last_epoch);
    const lastLr = numberArray(op, '_last_lr', sd._last_lr);
    const inner = sd._schedulers;
    if (!Array.isArray(inner) || inner.length !== this.schedulers.length) {
      throw new RangeError(`${op}: expected _schedulers to hold ${this.schedulers.length} state dicts, got ${describeValue(inner)}`);
    }
    inner.forEach((s, i) => this.schedulers[i].loadStateDict(s as SchedulerStateDict));
    this.milestones = milestones;
    this.lastEpoch = lastEpoch;
    this.lastLr = lastLr;
  }
}

function bisectRight(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
