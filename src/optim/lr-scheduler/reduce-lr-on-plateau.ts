/** ReduceLROnPlateau: cut the learning rate when a metric stops improving. */
import { Tensor } from '../../tensor.js';
import type { Optimizer } from '../optimizer.js';
import { describeValue } from '../../util/describe.js';
import { checkOptimizer, orDefault, checkOptionsObject, intField, numberArray, numberField, stateDictRecord, type Scheduler, type SchedulerStateDict } from './lr-scheduler.js';

/** Options of `ReduceLROnPlateau`, PyTorch's keywords in camelCase: mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps. */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should decrease; 'max': it should increase. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor; must be < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the lr: one number or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduce each group's lr by `factor` when the metric passed to `step(metric)` has not improved for
 * `patience` epochs (torch.optim.lr_scheduler.ReduceLROnPlateau). An improvement is
 * `metric < best · (1 − threshold)` in 'min'/'rel' mode, `metric < best − threshold` in 'min'/'abs',
 * and the mirror images in 'max' mode. After a reduction, `cooldown` epochs are ignored.
 *
 * In the state dict `best` starts as ±Infinity (`mode_worse`); a JSON round trip turns that into null,
 * which loads back as "no best value yet".
 *
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 5, factor: 0.5 });
 * for (...) { const valLoss = evaluate(); sched.step(valLoss); }
 * ```
 */
export class ReduceLROnPlateau implements Scheduler {
  readonly optimizer: Optimizer;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  /** Epochs since the last improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];
  private readonly name = 'ReduceLROnPlateau';

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = this.name;
    this.optimizer = checkOptimizer(op, optimizer);
    checkOptionsObject(op, options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    const factor = numberField(op, 'factor', orDefault(options.factor, 0.1));
    if (!(factor < 1)) throw new RangeError(`${op}: factor should be < 1.0, got ${factor}`);
    this.factor = factor;
    const n = this.optimizer.paramGroups.length;
    const minLr = orDefault(options.minLr, 0);
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) throw new RangeError(`${op}: expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = numberArray(op, 'minLr', minLr);
    } else {
      this.minLrs = new Array<number>(n).fill(numberField(op, 'minLr', minLr));
    }
    this.patience = intField(op, 'patience', orDefault(options.patience, 10), 0);
    this.cooldown = intField(op, 'cooldown', orDefault(options.cooldown, 0), 0);
    this.threshold = numberField(op, 'threshold', orDefault(options.threshold, 1e-4));
    this.eps = numberField(op, 'eps', orDefault(options.eps, 1e-8));
    this.mode = checkMode(op, 'mode', orDefault(options.mode, 'min'));
    this.thresholdMode = checkThresholdMode(op, 'thresholdMode', orDefault(options.thresholdMode, 'rel'));
    this.best = this.modeWorse;
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The starting "best": Infinity in 'min' mode, -Infinity in 'max' mode. */
  get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether the scheduler is in its cooldown period. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Record the metric of one epoch (a number or a one-element Tensor) and reduce the lr if it plateaued. */
  step(metric: number | Tensor): void {
    let current: number;
    if (typeof metric === 'number') current = metric;
    else if (metric instanceof Tensor && metric.numel() === 1) current = Number(metric.data[0]);
    else throw new TypeError(`${this.name}.step: expected the metric to be a number or a one-element Tensor, got ${describeValue(metric)}`);
    const epoch = this.lastEpoch + 1;
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each parameter group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Whether `a` improves on `best` under the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

/** The scheduler's state (PyTorch's keys; `best` is null for an infinite value), for checkpoints. */
  stateDict(): SchedulerStateDict {
    return {
      factor: this.factor,
      min_lrs: [...this.minLrs],
      patience: this.patience,
      verbose: false,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
    };
  }

/** Restore a state from `stateDict()`. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const sd = stateDictRecord(op, stateDict);
    const mode = checkMode(op, 'mode', sd.mode);
    const thresholdMode = checkThresholdMode(op, 'threshold_mode', sd.threshold_mode);
    const factor = numberField(op, 'factor', sd.factor);
    const minLrs = numberArray(op, 'min_lrs', sd.min_lrs);
    const patience = intField(op, 'patience', sd.patience, 0);
    const cooldown = intField(op, 'cooldown', sd.cooldown, 0);
    const cooldownCounter = intField(op, 'cooldown_counter', sd.cooldown_counter, 0);
    const threshold = numberField(op, 'threshold', sd.threshold);
    const best = sd.best === null ? (mode === 'min' ? Infinity : -Infinity) : numberField(op, 'best', sd.best);
    const numBadEpochs = intField(op, 'num_bad_epochs', sd.num_bad_epochs, 0);
    const eps = numberField(op, 'eps', sd.eps);
    const lastEpoch = numberField(op, 'last_epoch', sd.last_epoch);
    const lastLr = sd._last_lr === undefined ? this.optimizer.paramGroups.map((g) => g.lr) : numberArray(op, '_last_lr', sd._last_lr);
    Object.assign(this, { mode, thresholdMode, factor, minLrs, patience, cooldown, cooldownCounter, threshold, best, numBadEpochs, eps, lastEpoch });
    this.lastLr = lastLr;
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }
}

function checkMode(op: string, name: string, v: unknown): 'min' | 'max' {
  if (v !== 'min' && v !== 'max') throw new RangeError(`${op}: ${name} ${describeValue(v)} is unknown; expected 'min' or 'max'`);
  return v;
}

function checkThresholdMode(op: string, name: string, v: unknown): 'rel' | 'abs' {
  if (v !== 'rel' && v !== 'abs') throw new RangeError(`${op}: ${name} ${describeValue(v)} is unknown; expected 'rel' or 'abs'`);
  return v;
}
