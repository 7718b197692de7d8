/**
 * LRScheduler: base class of the epoch/iteration-driven learning-rate schedulers
 * (torch.optim.lr_scheduler._LRScheduler, PyTorch 1.13 semantics).
 */
import { Optimizer } from '../optimizer.js';
import { describeValue } from '../../util/describe.js';

/** A scheduler's state dict: PyTorch's field names (`last_epoch`, `base_lrs`, `_last_lr`, ...). */
export type SchedulerStateDict = Record<string, unknown>;

/** What every scheduler offers (including ReduceLROnPlateau and SequentialLR). */
export interface Scheduler {
  readonly optimizer: Optimizer;
  /** The learning rate of each parameter group after the last step. */
  getLastLr(): number[];
/** The scheduler's state (PyTorch's keys), for checkpoints. */
  stateDict(): SchedulerStateDict;
/** Restore a state from `stateDict()`. */
  loadStateDict(stateDict: SchedulerStateDict): void;
}

/** Options every LRScheduler takes. */
export interface LRSchedulerOptions {
  /**
   * Index of the last epoch when resuming (default -1: start). With a value >= 0 every parameter group
   * must already have `initialLr` (set by the scheduler that ran before).
   */
  lastEpoch?: number;
}

/** @internal */
export function checkOptimizer(op: string, optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${op}: expected an Optimizer, got ${describeValue(optimizer)}`);
  return optimizer;
}

/** @internal */
export function checkOptionsObject(op: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${op}: expected options to be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${op}: unknown option '${key}'`);
  }
}

/** @internal `def` when `v` is undefined (an explicit null is kept, so it fails the type check). */
export function orDefault<T>(v: T | undefined, def: T): T {
  return v === undefined ? def : v;
}

/** @internal */
export function numberField(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: expected ${name} to be a number, got ${describeValue(v)}`);
  return v;
}

/** @internal */
export function intField(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: expected ${name} to be an integer, got ${describeValue(v)}`);
  if (v < min) throw new RangeError(`${op}: expected ${name} >= ${min}, got ${v}`);
  return v;
}

/** @internal The state dict given to `op` (`<Name>.loadStateDict`) as a record, or a TypeError. */
export function stateDictRecord(op: string, stateDict: unknown): Record<string, unknown> {
  if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`${op}: expected a state dict object, got ${describeValue(stateDict)}`);
  return stateDict as Record<string, unknown>;
}

/** @internal */
export function numberArray(op: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) {
    throw new TypeError(`${op}: expected ${name} to be an array of numbers, got ${describeValue(v)}`);
  }
  return [...(v as number[])];
}

/**
 * Base class of the chainable schedulers (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR,
 * LinearLR, LambdaLR, OneCycleLR). Construction performs the initial step (epoch 0), which sets each
 * group's lr to the schedule's first value; call `step()` once after each `optimizer.step()` (per epoch or
 * per batch, as the schedule is defined).
 *
 * Each group keeps its starting learning rate in `initialLr` (PyTorch's `initial_lr`), so a resumed
 * optimizer state carries it.
 */
export abstract class LRScheduler implements Scheduler {
  readonly optimizer: Optimizer;
  /** Each group's `initialLr` when the scheduler started. */
  baseLrs: number[] = [];
  /** Number of `step()` calls so far minus one (the initial step makes it 0). */
  lastEpoch = -1;
  /** The scheduler's name for messages. */
  protected readonly name: string;
  /** PyTorch's `_step_count`: steps including the initial one. */
  protected stepCount = 0;
  protected lastLr: number[] = [];

  protected constructor(name: string, optimizer: Optimizer) {
    this.name = name;
    this.optimizer = checkOptimizer(name, optimizer);
  }

  /**
   * Finish construction: set `initialLr` (or check it when resuming), record the base rates and perform
   * the initial step. Subclasses call it last in their constructor.
   */
  protected start(lastEpoch: number | undefined): void {
    const le = lastEpoch === undefined ? -1 : lastEpoch;
    if (typeof le !== 'number' || !Number.isInteger(le) || le < -1) {
      throw new RangeError(`${this.name}: expected lastEpoch to be an integer >= -1, got ${describeValue(le)}`);
    }
    const groups = this.optimizer.paramGroups;
    if (le === -1) {
      for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new RangeError(`${this.name}: param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.lastEpoch = le;
    this.initialStep();
  }

  /** @internal PyTorch's `_initial_step()`: reset the step count and step once. */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rates for `this.lastEpoch`, from the groups' current values (the chainable form). */
  protected abstract getLr(): number[];

  /** The learning rates for `this.lastEpoch` from the base rates, where the schedule has a closed form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Advance the schedule by one epoch (or batch) and set each group's lr. */
  step(): void {
    this.advance(this.lastEpoch + 1, false);
  }

  /**
   * @internal Jump to `epoch` using the closed form where one exists (PyTorch's deprecated
   * `scheduler.step(epoch)`, which SequentialLR uses at its milestones).
   */
  stepTo(epoch: number): void {
    this.advance(epoch, true);
  }

  /** The learning rate of each parameter group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state, in PyTorch's field names. */
  stateDict(): SchedulerStateDict {
    return {
      ...this.fields(),
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      verbose: false,
      _step_count: this.stepCount,
      _get_lr_called_within_step: false,
      _last_lr: [...this.lastLr],
    };
  }

  /** Restore a state saved by {@link stateDict}. Load the optimizer's state dict as well. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const sd = stateDictRecord(op, stateDict);
    const baseLrs = numberArray(op, 'base_lrs', sd.base_lrs);
    const lastEpoch = numberField(op, 'last_epoch', sd.last_epoch);
    const stepCount = sd._step_count === undefined ? this.stepCount : numberField(op, '_step_count', sd._step_count);
    const lastLr = sd._last_lr === undefined ? this.lastLr : numberArray(op, '_last_lr', sd._last_lr);
    this.loadFields(op, sd);
    this.baseLrs = baseLrs;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    this.lastLr = [...lastLr];
  }

  /** The subclass's own fields for the state dict (PyTorch's names). */
  protected abstract fields(): Record<string, unknown>;

  /** Read the subclass's own fields back (validate first, then assign). */
  protected abstract loadFields(op: string, sd: Record<string, unknown>): void;

  private advance(epoch: number, closedForm: boolean): void {
    const prevEpoch = this.lastEpoch;
    const prevCount = this.stepCount;
    this.stepCount++;
    this.lastEpoch = epoch;
    let values: number[];
    try {
      values = (closedForm ? this.closedFormLr() : null) ?? this.getLr();
    } catch (e) {
      this.lastEpoch = prevEpoch;
      this.stepCount = prevCount;
      throw e;
    }
    const groups = this.optimizer.paramGroups;
    const n = Math.min(groups.length, values.length);
    for (let i = 0; i < n; i++) groups[i].lr = values[i];
    this.lastLr = groups.map((g) => g.lr);
  }
}
