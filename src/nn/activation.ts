/** Activation layers (torch.nn.modules.activation): ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax. */
import { optionsArg } from '../ops/args.js';
import type { Tensor } from '../tensor.js';
import { relu } from '../ops/relu.js';
import { leakyRelu } from '../ops/leaky-relu.js';
import { gelu, type GeluApproximate } from '../ops/gelu.js';
import { sigmoid } from '../ops/sigmoid.js';
import { tanh } from '../ops/tanh.js';
import { softmax } from '../ops/softmax.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';
import { describeValue } from '../util/describe.js';

/** max(x, 0) elementwise. Shape: any -> same. */
export class ReLU extends Module {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x if x > 0 else negativeSlope * x. Shape: any -> same. */
export class LeakyReLU extends Module {
  negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) {
      throw new TypeError(`LeakyReLU: expected negativeSlope to be a number, got ${describeValue(negativeSlope)}`);
    }
    this.negativeSlope = negativeSlope;
  }

  override forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
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
