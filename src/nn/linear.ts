/** Linear and Identity layers (torch.nn.modules.linear). */
import { optionsArg } from '../ops/args.js';
import { Tensor } from '../tensor.js';
import { linear } from '../ops/linear.js';
import type { Generator } from '../util/generator.js';
import { Module } from './module.js';
import { WeightAndBiasLayer } from './weight-and-bias.js';
import { pyBool } from './repr.js';
import { describeValue } from '../util/describe.js';

function featureCount(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${cls}: expected ${name} to be an integer, got ${describeValue(v)}`);
  if (v < 0) throw new RangeError(`${cls}: expected ${name} to be >= 0, got ${v}`);
  return v;
}

/** A placeholder that returns its input unchanged. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** Options of `nn.Linear`: whether it has a bias (default true) and the generator its initialisation draws from. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Random source for the initialisation (default the global generator). */
  generator?: Generator;
}

/**
 * y = x @ weight^T + bias. Initialised like PyTorch: weight ~ kaiming-uniform(a = sqrt(5)), i.e.
 * U(-1/sqrt(in), 1/sqrt(in)); bias ~ U(-1/sqrt(in), 1/sqrt(in)).
 *
 * Shape: input (*, inFeatures) -> (*, outFeatures). Parameters: weight (outFeatures, inFeatures),
 * bias (outFeatures).
 * @example const fc = new nn.Linear(64, 2); fc.call(x) // (8, 64) -> (8, 2)
 */
export class Linear extends WeightAndBiasLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    opts = optionsArg('Linear', opts) as typeof opts;
    this.inFeatures = featureCount('Linear', 'inFeatures', inFeatures);
    this.outFeatures = featureCount('Linear', 'outFeatures', outFeatures);
    this.initWeightAndBias('Linear', [outFeatures, inFeatures], outFeatures, opts.bias, opts.generator);
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
