/** CosineAnnealingLR: cosine decay from the initial lr to etaMin over tMax epochs. */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, orDefault, checkOptionsObject, numberField, type LRSchedulerOptions } from './lr-scheduler.js';

export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Minimum learning rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing (torch.optim.lr_scheduler.CosineAnnealingLR, the SGDR schedule without restarts):
 * ```
 * lr(t) = etaMin + (initialLr − etaMin) · (1 + cos(π · t / tMax)) / 2
 * ```
 * computed recursively from the current lr, as PyTorch does, so other changes to the lr carry over.
 * Past tMax the lr rises again along the cosine (period 2·tMax).
 *
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.CosineAnnealingLR(opt, 100, { etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, tMax: number, options: CosineAnnealingLROptions = {}) {
    super('CosineAnnealingLR', optimizer);
    checkOptionsObject(this.name, options, ['lastEpoch', 'etaMin']);
    this.tMax = checkTMax(this.name, 'tMax', tMax);
    this.etaMin = numberField(this.name, 'etaMin', orDefault(options.etaMin, 0));
    this.start(options.lastEpoch);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: e, tMax, etaMin } = this;
    if (e === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2);
    }
    if ((((e - 1 - tMax) % (2 * tMax)) + 2 * tMax) % (2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / tMax))) / 2);
  }

  protected fields(): Record<string, unknown> {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }

  protected loadFields(op: string, sd: Record<string, unknown>): void {
    const tMax = checkTMax(op, 'T_max', sd.T_max);
    const etaMin = numberField(op, 'eta_min', sd.eta_min);
    this.tMax = tMax;
    this.etaMin = etaMin;
  }
}

function checkTMax(op: string, name: string, v: unknown): number {
  const t = numberField(op, name, v);
  if (!(t > 0)) throw new RangeError(`${op}: expected ${name} > 0, got ${t}`);
  return t;
}
