/** Linear and Identity layers (torch.nn.modules.linear). */
import { optionsArg } from '../ops/args.js';
import { Tensor } from '../tensor.js';
import { empty } from '../creation.js';
import { linear } from '../ops/linear.js';
import type { Generator } from '../util/generator.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { kaimingUniform_, uniform_, calculateFanInAndFanOut } from './init.js';
import { pyBool } from './repr.js';
import { describeValue } from '../util/describe.js';
import { checkAllocation } from '../util/limits.js';

function featureCount(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${cls}: expected ${name} to be an integer, got ${describeValue(v)}`);
  if (v < 0) throw new RangeError(`${cls}: expected ${name} to be >= 0, got ${v}`);
  return v;
}

/**
 * @internal PyTorch's reset_parameters of Linear and of the conv layers (the same code there):
 * weight kaiming-uniform with a = sqrt(5), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export function resetWeightAndBias(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  kaimingUniform_(weight, Math.sqrt(5), 'fan_in', 'leaky_relu', generator);
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, generator);
  }
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
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    opts = optionsArg('Linear', opts) as typeof opts;
    this.inFeatures = featureCount('Linear', 'inFeatures', inFeatures);
    this.outFeatures = featureCount('Linear', 'outFeatures', outFeatures);
    checkAllocation('Linear', opts?.bias === false ? [outFeatures * inFeatures] : [outFeatures * inFeatures, outFeatures]);
    this.registerParameter('weight', new Parameter(empty([outFeatures, inFeatures])));
    this.registerParameter('bias', opts.bias === false ? null : new Parameter(empty([outFeatures])));
    this.resetParameters(opts.generator);
  }

  /** Re-draw weight and bias with PyTorch's default initialisation. */
  resetParameters(generator?: Generator): void {
    resetWeightAndBias(this.weight, this.bias, generator);
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
