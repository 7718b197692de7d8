/** LayerNorm and GroupNorm layers (torch.nn.modules.normalization). */
import { optionsArg } from '../ops/args.js';
import type { Tensor } from '../tensor.js';
import { ones, zeros } from '../creation.js';
import { layerNorm, normalizedShapeArg, epsArg } from '../ops/layer-norm.js';
import { groupNorm } from '../ops/group-norm.js';
import { intArg, boolArg } from '../ops/args.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat } from './repr.js';

/** Options of `nn.LayerNorm`: eps and elementwiseAffine, as in PyTorch. */
export interface LayerNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn an elementwise weight (ones) and bias (zeros) of the normalised shape (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims. Parameters (with elementwiseAffine):
 * weight (ones) and bias (zeros) of shape normalizedShape.
 *
 * Shape: input (*, ...normalizedShape) -> same.
 * @example new nn.LayerNorm(128); new nn.LayerNorm([8, 16], { eps: 1e-6 })
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormLayerOptions = {}) {
    super();
    opts = optionsArg('LayerNorm', opts) as typeof opts;
    this.normalizedShape = Object.freeze([...normalizedShapeArg('LayerNorm', normalizedShape)]);
    this.eps = epsArg('LayerNorm', opts.eps);
    this.elementwiseAffine = boolArg('LayerNorm', 'elementwiseAffine', opts.elementwiseAffine ?? true);
    const shape = [...this.normalizedShape];
    this.registerParameter('weight', this.elementwiseAffine ? new Parameter(ones(shape)) : null);
    this.registerParameter('bias', this.elementwiseAffine ? new Parameter(zeros(shape)) : null);
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    const ns = this.normalizedShape;
    const tuple = ns.length === 1 ? `(${ns[0]},)` : `(${ns.join(', ')})`;
    return `${tuple}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Options of `nn.GroupNorm`: eps and affine, as in PyTorch. */
export interface GroupNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-channel weight (ones) and bias (zeros) (default true). */
  affine?: boolean;
}

/**
 * Group normalisation: numChannels split into numGroups groups, each normalised per sample over its
 * channels and positions. Parameters (with affine): weight (ones) and bias (zeros) of shape (numChannels).
 *
 * Shape: input (N, numChannels, *) -> same.
 * @example new nn.GroupNorm(4, 32)
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, opts: GroupNormLayerOptions = {}) {
    super();
    opts = optionsArg('GroupNorm', opts) as typeof opts;
    this.numGroups = intArg('GroupNorm', 'numGroups', numGroups, 1);
    this.numChannels = intArg('GroupNorm', 'numChannels', numChannels, 0);
    if (numChannels % numGroups !== 0) {
      throw new RangeError(`GroupNorm: num_channels must be divisible by num_groups, got numChannels=${numChannels}, numGroups=${numGroups}`);
    }
    this.eps = epsArg('GroupNorm', opts.eps);
    this.affine = boolArg('GroupNorm', 'affine', opts.affine ?? true);
    this.registerParameter('weight', this.affine ? new Parameter(ones([numChannels])) : null);
    this.registerParameter('bias', this.affine ? new Parameter(zeros([numChannels])) : null);
  }

  override forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
