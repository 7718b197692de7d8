/**
 * Activation layers (torch.nn.modules.activation): ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax,
 * SiLU, Mish, Softplus, ELU, Hardtanh.
 *
 * `inplace` (where PyTorch has it) is accepted and shown in the repr as PyTorch does, but the result is
 * always a new tensor: nodetorch has no in-place activations, and the values and gradients are the same.
 */
import { optionsArg } from '../ops/args.js';
import type { Tensor } from '../tensor.js';
import { relu } from '../ops/relu.js';
import { leakyRelu } from '../ops/leaky-relu.js';
import { gelu, type GeluApproximate } from '../ops/gelu.js';
import { sigmoid } from '../ops/sigmoid.js';
import { tanh } from '../ops/tanh.js';
import { softmax } from '../ops/softmax.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { silu } from '../ops/silu.js';
import { mish } from '../ops/mish.js';
import { softplus } from '../ops/softplus.js';
import { elu } from '../ops/elu.js';
import { hardtanh } from '../ops/hardtanh.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';
import { describeValue } from '../util/describe.js';

/** max(x, 0) elementwise. Shape: any -> same. */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** The `inplace` option of PyTorch's activations: accepted, shown in the repr, computed out of place. */
export interface InplaceOption {
  /** Accepted for PyTorch compatibility; the output is a new tensor either way. */
  inplace?: boolean;
}

/** Reads `inplace` from an options object (a boolean or absent). */
function inplaceOf(cls: string, opts: InplaceOption | undefined): boolean {
  const v = opts?.inplace ?? false;
  if (typeof v !== 'boolean') throw new TypeError(`${cls}: expected inplace to be a boolean, got ${describeValue(v)}`);
  return v;
}

/** A number argument of a layer's constructor (TypeError otherwise). */
function numberOf(cls: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${cls}: expected ${name} to be a number, got ${describeValue(v)}`);
  return v;
}

/** ', inplace=True' when set (PyTorch's extra_repr suffix). */
function inplaceSuffix(inplace: boolean): string {
  return inplace ? ', inplace=True' : '';
}

/** x if x > 0 else negativeSlope * x. Shape: any -> same. @example new nn.LeakyReLU(0.2) */
export class LeakyReLU extends Module {
  negativeSlope: number;
  readonly inplace: boolean;

  constructor(negativeSlope = 0.01, opts: InplaceOption = {}) {
    super();
    this.negativeSlope = numberOf('LeakyReLU', 'negativeSlope', negativeSlope);
    this.inplace = inplaceOf('LeakyReLU', opts);
  }

  override forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceSuffix(this.inplace)}`;
  }
}

/** Base of the activations whose only option is `inplace` (SiLU, Mish). */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;

  constructor(opts: InplaceOption = {}) {
    super();
    this.inplace = inplaceOf(this.constructor.name, opts);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** x * sigmoid(x). Shape: any -> same. @example new nn.SiLU() */
export class SiLU extends InplaceActivation {
  override forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** x * tanh(softplus(x)). Shape: any -> same. @example new nn.Mish() */
export class Mish extends InplaceActivation {
  override forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/**
 * log(1 + exp(beta * x)) / beta, the identity where beta * x > threshold. The repr prints integer values
 * as PyTorch prints its integer defaults (`Softplus(beta=1, threshold=20)`).
 * Shape: any -> same. @example new nn.Softplus({ beta: 2 })
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(opts: { beta?: number; threshold?: number } = {}) {
    super();
    opts = optionsArg('Softplus', opts) as typeof opts;
    this.beta = numberOf('Softplus', 'beta', opts.beta === undefined ? 1 : opts.beta);
    this.threshold = numberOf('Softplus', 'threshold', opts.threshold === undefined ? 20 : opts.threshold);
  }

  override forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    const num = (v: number): string => (Number.isInteger(v) ? String(v) : pyFloat(v));
    return `beta=${num(this.beta)}, threshold=${num(this.threshold)}`;
  }
}

/** x if x > 0 else alpha * (exp(x) - 1). Shape: any -> same. @example new nn.ELU({ alpha: 0.5 }) */
export class ELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;

  constructor(opts: { alpha?: number } & InplaceOption = {}) {
    super();
    opts = optionsArg('ELU', opts) as typeof opts;
    this.alpha = numberOf('ELU', 'alpha', opts.alpha === undefined ? 1 : opts.alpha);
    this.inplace = inplaceOf('ELU', opts);
  }

  override forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

/** clamp(x, minVal, maxVal), default [-1, 1]. Shape: any -> same. @example new nn.Hardtanh(-2, 2) */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;

  constructor(minVal = -1, maxVal = 1, opts: InplaceOption = {}) {
    super();
    opts = optionsArg('Hardtanh', opts) as typeof opts;
    this.minVal = numberOf('Hardtanh', 'minVal', minVal);
    this.maxVal = numberOf('Hardtanh', 'maxVal', maxVal);
    if (!(this.minVal <= this.maxVal)) throw new RangeError(`Hardtanh: minVal cannot be greater than maxVal, got minVal=${minVal}, maxVal=${maxVal}`);
    this.inplace = inplaceOf('Hardtanh', opts);
  }

  override forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }

  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceSuffix(this.inplace)}`;
  }
}

/** x * Phi(x) ('none', exact) or its tanh approximation ('tanh'). Shape: any -> same. */
export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor(opts: { approximate?: GeluApproximate } = {}) {
    super();
    opts = optionsArg('GELU', opts) as typeof opts;
    const a = opts.approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') throw new RangeError(`GELU: expected approximate to be 'none' or 'tanh', got '${String(a)}'`);
    this.approximate = a;
  }

  override forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** 1 / (1 + exp(-x)). Shape: any -> same. */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh(x). Shape: any -> same. */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** Shared part of Softmax and LogSoftmax: an integer `dim` checked on construction, shown in the repr. */
export abstract class DimActivation extends Module {
  readonly dim: number;

  constructor(cls: string, dim: number) {
    super();
    if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError(`${cls}: expected dim to be an integer, got ${describeValue(dim)}`);
    this.dim = dim;
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** softmax along `dim`. Shape: any -> same. */
export class Softmax extends DimActivation {
  constructor(dim: number) {
    super('Softmax', dim);
  }

  override forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

/** log(softmax) along `dim`, computed stably. Shape: any -> same. */
export class LogSoftmax extends DimActivation {
  constructor(dim: number) {
    super('LogSoftmax', dim);
  }

  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
}
