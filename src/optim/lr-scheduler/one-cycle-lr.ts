/** OneCycleLR: the 1cycle policy (warm up to maxLr, then anneal far below the initial lr). */
import type { Optimizer } from '../optimizer.js';
import { describeValue } from '../../util/describe.js';
import { LRScheduler, orDefault, checkOptionsObject, intField, numberField, type LRSchedulerOptions } from './lr-scheduler.js';

export interface OneCycleLROptions extends LRSchedulerOptions {
  /** Total number of steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD, RMSprop) or β1 (Adam, AdamW) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Momentum at the lr peak (default 0.85); a number or one per group. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and end (default 0.95); a number or one per group. */
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to initialLr, then down to minLr) instead of two (default false). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

const GROUP_KEY: Record<string, string> = {
  initial_lr: 'initialLr',
  max_lr: 'maxLr',
  min_lr: 'minLr',
  max_momentum: 'maxMomentum',
  base_momentum: 'baseMomentum',
};

/**
 * The 1cycle learning-rate policy (torch.optim.lr_scheduler.OneCycleLR): the lr goes from
 * maxLr / divFactor up to maxLr over pctStart of the cycle, then down to initialLr / finalDivFactor,
 * by cosine or linear annealing; momentum (or Adam's β1) moves the opposite way between maxMomentum and
 * baseMomentum. Step it after every batch; stepping more than totalSteps times is a RangeError. It sets
 * `initialLr`, `maxLr`, `minLr` (and `maxMomentum`, `baseMomentum`) in each parameter group.
 *
 * @example
 * ```ts
 * const sched = new optim.lrScheduler.OneCycleLR(opt, 0.1, { epochs: 10, stepsPerEpoch: loader.length });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether the momentum being cycled is Adam's β1. */
  useBeta1: boolean;
  private phases: Phase[];

  constructor(optimizer: Optimizer, maxLr: number | readonly number[], options: OneCycleLROptions = {}) {
    super('OneCycleLR', optimizer);
    const op = this.name;
    checkOptionsObject(op, options, ['lastEpoch', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum',
      'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase']);
    const { totalSteps, epochs, stepsPerEpoch } = options;
    if (totalSteps === undefined && (epochs === undefined || stepsPerEpoch === undefined)) {
      throw new RangeError(`${op}: you must define either totalSteps OR (epochs AND stepsPerEpoch)`);
    }
    if (totalSteps !== undefined) {
      this.totalSteps = intField(op, 'totalSteps', totalSteps, 1);
    } else {
      this.totalSteps = intField(op, 'epochs', epochs, 1) * intField(op, 'stepsPerEpoch', stepsPerEpoch, 1);
    }
    const pctStart = numberField(op, 'pctStart', orDefault(options.pctStart, 0.3));
    if (!(pctStart >= 0 && pctStart <= 1)) throw new RangeError(`${op}: expected pctStart between 0 and 1, got ${pctStart}`);
    const strategy = orDefault(options.annealStrategy, 'cos');
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new RangeError(`${op}: annealStrategy must be one of 'cos' or 'linear', got ${describeValue(strategy)}`);
    }
    this.annealStrategy = strategy;
    const threePhase = orDefault(options.threePhase, false);
    if (typeof threePhase !== 'boolean') throw new TypeError(`${op}: expected threePhase to be a boolean, got ${describeValue(threePhase)}`);
    const divFactor = numberField(op, 'divFactor', orDefault(options.divFactor, 25));
    const finalDivFactor = numberField(op, 'finalDivFactor', orDefault(options.finalDivFactor, 1e4));
    const total = this.totalSteps;
    this.phases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initial_lr', endLr: 'max_lr', startMomentum: 'max_momentum', endMomentum: 'base_momentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'max_lr', endLr: 'initial_lr', startMomentum: 'base_momentum', endMomentum: 'max_momentum' },
          { endStep: total - 1, startLr: 'initial_lr', endLr: 'min_lr', startMomentum: 'max_momentum', endMomentum: 'max_momentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initial_lr', endLr: 'max_lr', startMomentum: 'max_momentum', endMomentum: 'base_momentum' },
          { endStep: total - 1, startLr: 'max_lr', endLr: 'min_lr', startMomentum: 'base_momentum', endMomentum: 'max_momentum' },
        ];

    const groups = this.optimizer.paramGroups;
    const lastEpoch = orDefault(options.lastEpoch, -1);
    const maxLrs = this.perGroup('maxLr', maxLr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const cycle = orDefault(options.cycleMomentum, true);
    if (typeof cycle !== 'boolean') throw new TypeError(`${op}: expected cycleMomentum to be a boolean, got ${describeValue(cycle)}`);
    this.cycleMomentum = cycle;
    this.useBeta1 = false;
    if (cycle) {
      const defaults = this.optimizer.defaults as Record<string, unknown>;
      if (!('momentum' in defaults) && !('betas' in defaults)) {
        throw new RangeError(`${op}: optimizer must support momentum with the cycleMomentum option enabled`);
      }
      this.useBeta1 = 'betas' in defaults;
      const maxMomenta = this.perGroup('maxMomentum', orDefault(options.maxMomentum, 0.95));
      const baseMomenta = this.perGroup('baseMomentum', orDefault(options.baseMomentum, 0.85));
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (this.useBeta1) g.betas = [maxMomenta[i], (g.betas as number[])[1]];
          else g.momentum = maxMomenta[i];
          g.maxMomentum = maxMomenta[i];
          g.baseMomentum = baseMomenta[i];
        });
      }
    }
    this.start(lastEpoch);
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(`${this.name}: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    return this.optimizer.paramGroups.map((group) => {
      const get = (key: string) => group[GROUP_KEY[key]] as number;
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = anneal(get(phase.startLr), get(phase.endLr), pct);
          if (this.cycleMomentum) momentum = anneal(get(phase.startMomentum), get(phase.endMomentum), pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) group.betas = [momentum, (group.betas as number[])[1]];
        else group.momentum = momentum;
      }
      return lr;
    });
  }

  protected fields(): Record<string, unknown> {
    return {
      total_steps: this.totalSteps,
      _schedule_phases: this.phases.map((p) => ({
        end_step: p.endStep, start_lr: p.startLr, end_lr: p.endLr, start_momentum: p.startMomentum, end_momentum: p.endMomentum,
      })),
      _anneal_func_type: this.annealStrategy,
      cycle_momentum: this.cycleMomentum,
      use_beta1: this.useBeta1,
    };
  }

  protected loadFields(op: string, sd: Record<string, unknown>): void {
    const total = intField(op, 'total_steps', sd.total_steps, 1);
    const rawPhases = sd._schedule_phases;
    if (!Array.isArray(rawPhases) || rawPhases.length === 0) {
      throw new TypeError(`${op}: expected _schedule_phases to be a non-empty array, got ${describeValue(rawPhases)}`);
    }
    const phases = rawPhases.map((p: Record<string, unknown>, i: number) => {
      if (p === null || typeof p !== 'object') throw new TypeError(`${op}: expected _schedule_phases[${i}] to be an object`);
      const key = (name: string) => {
        const v = p[name];
        if (typeof v !== 'string' || !(v in GROUP_KEY)) throw new TypeError(`${op}: _schedule_phases[${i}].${name} must be one of ${Object.keys(GROUP_KEY).join(', ')}, got ${describeValue(v)}`);
        return v;
      };
      return {
        endStep: numberField(op, `_schedule_phases[${i}].end_step`, p.end_step),
        startLr: key('start_lr'), endLr: key('end_lr'), startMomentum: key('start_momentum'), endMomentum: key('end_momentum'),
      };
    });
    const strategy = sd._anneal_func_type ?? this.annealStrategy;
    if (strategy !== 'cos' && strategy !== 'linear') throw new RangeError(`${op}: _anneal_func_type must be 'cos' or 'linear', got ${describeValue(strategy)}`);
    const cycle = sd.cycle_momentum ?? this.cycleMomentum;
    const beta1 = sd.use_beta1 ?? this.useBeta1;
    if (typeof cycle !== 'boolean' || typeof beta1 !== 'boolean') throw new TypeError(`${op}: expected cycle_momentum and use_beta1 to be booleans`);
    this.totalSteps = total;
    this.phases = phases;
    this.annealStrategy = strategy;
    this.cycleMomentum = cycle;
    this.useBeta1 = beta1;
  }

  private perGroup(name: string, v: number | readonly number[]): number[] {
    const n = this.optimizer.paramGroups.length;
    if (Array.isArray(v)) {
      if (v.length !== n) throw new RangeError(`${this.name}: expected ${n} values for ${name}, got ${v.length}`);
      return v.map((x, i) => numberField(this.name, `${name}[${i}]`, x));
    }
    return new Array<number>(n).fill(numberField(this.name, name, v));
  }
}

function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
