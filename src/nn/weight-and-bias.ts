/**
 * The parameter set-up Linear and the conv layers share (PyTorch's Linear and _ConvNd): a `weight`, an
 * optional `bias` of one element per output feature or channel, and reset_parameters.
 */
import type { Tensor } from '../tensor.js';
import { empty } from '../creation.js';
import type { Generator } from '../util/generator.js';
import { checkAllocation } from '../util/limits.js';
import { kaimingUniform_, uniform_, calculateFanInAndFanOut } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * @internal PyTorch's reset_parameters of Linear and of the conv layers (the same code there):
 * weight kaiming-uniform with a = sqrt(5), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)). The weight draws
 * first, then the bias: the order the generator's stream must follow to match PyTorch.
 */
export function resetWeightAndBias(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  kaimingUniform_(weight, Math.sqrt(5), 'fan_in', 'leaky_relu', generator);
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound, generator);
  }
}

/** @internal A layer whose parameters are `weight` and an optional `bias`, with PyTorch's default initialisation. */
export abstract class WeightAndBiasLayer extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;

  /**
   * Registers weight (weightShape) and, unless `bias` is false, bias (biasSize elements), checking the
   * allocation in `layer`'s name first, and draws them with resetParameters.
   */
  protected initWeightAndBias(layer: string, weightShape: readonly number[], biasSize: number, bias: boolean | undefined, generator: Generator | undefined): void {
    const weightSize = weightShape.reduce((a, b) => a * b, 1);
    checkAllocation(layer, bias === false ? [weightSize] : [weightSize, biasSize]);
    this.registerParameter('weight', new Parameter(empty(weightShape)));
    this.registerParameter('bias', bias === false ? null : new Parameter(empty([biasSize])));
    this.resetParameters(generator);
  }

  /** Re-draw weight and bias with PyTorch's default initialisation. */
  resetParameters(generator?: Generator): void {
    resetWeightAndBias(this.weight, this.bias, generator);
  }
}
