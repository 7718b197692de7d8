/** MultiStepLR: decay the learning rate by gamma at given epochs. */
import type { Optimizer } from '../optimizer.js';
import { describeValue } from '../../util/describe.js';
import { LRScheduler, orDefault, checkOptionsObject, numberField, type LRSchedulerOptions } from './lr-scheduler.js';

export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
}

function countMilestones(op: string, name: string, milestones: unknown): Map<number, number> {
  if (!Array.isArray(milestones) && !(milestones instanceof Map)) {
    throw new TypeError(`${op}: expected ${name} to be an array of integers, got ${describeValue(milestones)}`);
  }
  const counts = new Map<number, number>();
  const add = (m: unknown, c: unknown) => {
    if (typeof m !== 'number' || !Number.isInteger(m)) throw new TypeError(`${op}: expected ${name} to hold integers, got ${describeValue(m)}`);
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) throw new TypeError(`${op}: expected ${name} counts to be positive integers, got ${describeValue(c)}`);
    counts.set(m, (counts.get(m) ?? 0) + c);
  };
  if (Array.isArray(milestones)) for (const m of milestones) add(m, 1);
  else for (const [m, c] of milestones) add(m, c);
  return counts;
}

/**
 * Multiply each group's lr by `gamma` once the epoch reaches each milestone
 * (torch.optim.lr_scheduler.MultiStepLR). A milestone listed k times multiplies by gamma^k.
 *
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone epoch -> how many times it was listed (PyTorch's Counter). */
  milestones: Map<number, number>;
  gamma: number;

  constructor(optimizer: Optimizer, milestones: readonly number[], options: MultiStepLROptions = {}) {
    super('MultiStepLR', optimizer);
    checkOptionsObject(this.name, options, ['lastEpoch', 'gamma']);
    this.milestones = countMilestones(this.name, 'milestones', milestones);
    this.gamma = numberField(this.name, 'gamma', orDefault(options.gamma, 0.1));
    this.start(options.lastEpoch);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const k = this.milestones.get(this.lastEpoch);
    if (k === undefined) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** k);
  }

  protected override closedFormLr(): number[] {
    let passed = 0;
    for (const [m, c] of this.milestones) if (m <= this.lastEpoch) passed += c;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }

  /** Milestones are saved as PyTorch's Counter: `{ epoch: count }`. */
  protected fields(): Record<string, unknown> {
    const counter: Record<string, number> = {};
    for (const [m, c] of [...this.milestones].sort((a, b) => a[0] - b[0])) counter[String(m)] = c;
    return { milestones: counter, gamma: this.gamma };
  }

  protected loadFields(op: string, sd: Record<string, unknown>): void {
    const raw = sd.milestones;
    let milestones: Map<number, number>;
    if (raw instanceof Map || Array.isArray(raw)) milestones = countMilestones(op, 'milestones', raw);
    else if (raw !== null && typeof raw === 'object') {
      milestones = countMilestones(op, 'milestones', new Map(Object.entries(raw).map(([k, v]) => [Number(k), v])));
    } else throw new TypeError(`${op}: expected milestones to be an object { epoch: count }, got ${describeValue(raw)}`);
    const gamma = numberField(op, 'gamma', sd.gamma);
    this.milestones = milestones;
    this.gamma = gamma;
  }
}
