/**
 * nn.init: in-place initialisers with PyTorch's semantics (torch.nn.init): the same fan and gain
 * computation, so `kaimingUniform_(w, Math.sqrt(5))` draws from the same distribution as PyTorch. The
 * random stream is nodetorch's own (a Generator, default the global one), not PyTorch's.
 * Each writes the tensor's elements directly (no autograd history; through to the storage a view shares)
 * and returns the tensor.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { defaultGenerator, Generator } from '../util/generator.js';
import { describeValue } from '../util/describe.js';
import { numberArg } from '../ops/args.js';

/** The nonlinearities `nn.init.calculateGain` knows, with PyTorch's names. */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** Which fan a Kaiming initialisation preserves: the forward pass ('fan_in') or the backward pass ('fan_out'). */
export type FanMode = 'fan_in' | 'fan_out';

const LINEAR_FNS = new Set(['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d']);

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear/conv/sigmoid,
 * 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope `param`, default 0.01),
 * 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  return gainOf('calculateGain', nonlinearity, param);
}

/** calculateGain for the public function `op`. */
function gainOf(op: string, nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_FNS.has(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.SQRT2;
  if (nonlinearity === 'leaky_relu') {
    let slope = 0.01;
    if (param !== undefined && param !== null) {
      if (typeof param !== 'number' || Number.isNaN(param)) throw new TypeError(`${op}: negative_slope ${describeValue(param)} not a valid number`);
      slope = param;
    }
    return Math.sqrt(2 / (1 + slope * slope));
  }
  if (nonlinearity === 'selu') return 3 / 4;
  throw new RangeError(`${op}: unsupported nonlinearity ${describeValue(nonlinearity)}`);
}

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field; needs >= 2 dims. */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  return fansOf('calculateFanInAndFanOut', tensor);
}

/** calculateFanInAndFanOut for the public function `op`. */
function fansOf(op: string, tensor: Tensor): { fanIn: number; fanOut: number } {
  if (!(tensor instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(tensor)}`);
  if (tensor.ndim < 2) {
    throw new RangeError(`${op}: fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got shape ${shapeStr(tensor.shape)}`);
  }
  let receptive = 1;
  for (let i = 2; i < tensor.ndim; i++) receptive *= tensor.shape[i];
  return { fanIn: tensor.shape[1] * receptive, fanOut: tensor.shape[0] * receptive };
}

function calculateCorrectFan(op: string, tensor: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new RangeError(`${op}: mode ${describeValue(mode)} not supported, please use one of 'fan_in', 'fan_out'`);
  const { fanIn, fanOut } = fansOf(op, tensor);
  return mode === 'fan_in' ? fanIn : fanOut;
}

function floatTensor(fn: string, t: Tensor): Float32Array {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: expected a Tensor, got ${describeValue(t)}`);
  if (t.dtype !== 'float32') throw new TypeError(`${fn}: expected a float32 tensor, got ${t.dtype}`);
  return t.data as Float32Array;
}

/**
 * `d` was filled in place: a non-contiguous view's `data` is a copy, so write it through; either way
 * the tensor was modified in place (its version goes up, as torch.nn.init's under no_grad).
 */
function written(tensor: Tensor, d: Float32Array): Tensor {
  if (!tensor.isContiguous()) tensor._write(d);
  tensor._bumpVersion();
  return tensor;
}

/** Fill with U(a, b). */
export function uniform_(tensor: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  return fillUniform('uniform_', tensor, a, b, generator);
}

/** `g` must be a Generator (undefined: the default one). */
function generatorArg(op: string, g: unknown): Generator {
  if (g === undefined) return defaultGenerator;
  if (!(g instanceof Generator)) throw new TypeError(`${op}: expected generator to be a Generator, got ${describeValue(g)}`);
  return g;
}

/** uniform_ for the public function `op`. */
function fillUniform(op: string, tensor: Tensor, a: number, b: number, generator: Generator): Tensor {
  const d = floatTensor(op, tensor);
  numberArg(op, 'a', a);
  numberArg(op, 'b', b);
  const g = generatorArg(op, generator);
  if (!(a <= b)) throw new RangeError(`${op}: expected a <= b, got a=${a}, b=${b}`);
  const w = b - a;
  for (let i = 0; i < d.length; i++) d[i] = a + w * g.random();
  return written(tensor, d);
}

/** Fill with N(mean, std^2). */
export function normal_(tensor: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  return fillNormal('normal_', tensor, mean, std, generator);
}

/** normal_ for the public function `op`. */
function fillNormal(op: string, tensor: Tensor, mean: number, std: number, generator: Generator): Tensor {
  const d = floatTensor(op, tensor);
  numberArg(op, 'mean', mean);
  numberArg(op, 'std', std);
  const g = generatorArg(op, generator);
  if (!(std >= 0)) throw new RangeError(`${op}: expected std >= 0, got ${std}`);
  for (let i = 0; i < d.length; i++) d[i] = mean + std * g.normal();
  return written(tensor, d);
}

/** Fill with `val`. */
export function constant_(tensor: Tensor, val: number): Tensor {
  return fillConstant('constant_', tensor, val);
}

/** constant_ for the public function `op`. */
function fillConstant(op: string, tensor: Tensor, val: number): Tensor {
  if (!(tensor instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeValue(tensor)}`);
  numberArg(op, 'val', val);
  tensor._fill(tensor.dtype === 'int64' ? Math.trunc(val) : val);
  return tensor;
}

/** Fill with 0. */
export function zeros_(tensor: Tensor): Tensor {
  return fillConstant('zeros_', tensor, 0);
}

/** Fill with 1. */
export function ones_(tensor: Tensor): Tensor {
  return fillConstant('ones_', tensor, 1);
}

/** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(tensor: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const a = Math.sqrt(3) * xavierStd('xavierUniform_', tensor, gain);
  return fillUniform('xavierUniform_', tensor, -a, a, generator);
}

/** Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_(tensor: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  return fillNormal('xavierNormal_', tensor, 0, xavierStd('xavierNormal_', tensor, gain), generator);
}

/** Glorot's std for `op` (its checks first): gain * sqrt(2 / (fan_in + fan_out)). */
function xavierStd(op: string, tensor: Tensor, gain: number): number {
  floatTensor(op, tensor);
  numberArg(op, 'gain', gain);
  const { fanIn, fanOut } = fansOf(op, tensor);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * He uniform: U(-bound, bound), bound = gain * sqrt(3 / fan), gain = calculateGain(nonlinearity, a).
 * `a` is the negative slope of the leaky_relu that follows. A zero-element tensor is left as is.
 */
export function kaimingUniform_(
  tensor: Tensor, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', generator: Generator = defaultGenerator,
): Tensor {
  const op = 'kaimingUniform_';
  const std = kaimingStd(op, tensor, a, mode, nonlinearity);
  if (std === null) return tensor;
  const bound = Math.sqrt(3) * std;
  return fillUniform(op, tensor, -bound, bound, generator);
}

/** He normal: N(0, std^2), std = gain / sqrt(fan). A zero-element tensor is left as is. */
export function kaimingNormal_(
  tensor: Tensor, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', generator: Generator = defaultGenerator,
): Tensor {
  const op = 'kaimingNormal_';
  const std = kaimingStd(op, tensor, a, mode, nonlinearity);
  if (std === null) return tensor;
  return fillNormal(op, tensor, 0, std, generator);
}

/** He's std for `op` (its checks first): gain / sqrt(fan), or null for a zero-element tensor, left as is. */
function kaimingStd(op: string, tensor: Tensor, a: number, mode: FanMode, nonlinearity: Nonlinearity): number | null {
  floatTensor(op, tensor);
  if (tensor.numel() === 0) return null;
  const fan = calculateCorrectFan(op, tensor, mode);
  return gainOf(op, nonlinearity, a) / Math.sqrt(fan);
}
