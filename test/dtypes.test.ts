/**
 * dtypes as PyTorch gives them (fixture: test/fixtures/gen_dtypes.py): torch.tensor's inference from JS
 * values, and the result dtype and values of the ops a user applies to int64 and bool tensors, or the
 * clear error where PyTorch refuses the dtype.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nt from '../src/index.js';
import { Tensor, type DType, type NestedArray } from '../src/tensor.js';

type Enc = number | boolean | string | Enc[];
interface TensorArg { tensor: Enc[]; dtype: DType; shape: number[] }
interface Result { dtype?: DType; shape?: number[]; values?: Enc[]; error?: string }
interface InferenceCase extends Result { name: string; input: Enc }
interface OpCase extends Result { name: string; op: string; args: (TensorArg | number)[] }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/dtypes.json', import.meta.url), 'utf8')) as {
  inference: InferenceCase[];
  ops: OpCase[];
};

/** The fixture's encoding of NaN, ±Infinity and -0 back to numbers. */
function dec(v: Enc): NestedArray {
  if (Array.isArray(v)) return v.map(dec);
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === '-0') return -0;
  return v as number | boolean;
}

function arg(a: TensorArg | number): Tensor | number {
  return typeof a === 'number' ? a : nt.tensor(dec(a.tensor) as number[], { dtype: a.dtype, shape: a.shape });
}

/** nodetorch's function for each op name of the fixture. */
const OPS: Record<string, (...a: any[]) => Tensor> = {
  add: (a, b) => nt.add(a, b),
  addAlpha: (a, b, alpha) => nt.add(a, b, alpha),
  sub: (a, b) => nt.sub(a, b),
  mul: (a, b) => nt.mul(a, b),
  div: (a, b) => nt.div(a, b),
  divFloor: (a, b) => nt.div(a, b, { roundingMode: 'floor' }),
  pow: (a, b) => nt.pow(a, b),
  neg: (a) => nt.neg(a),
  abs: (a) => nt.abs(a),
  clamp: (a, lo, hi) => nt.clamp(a, lo, hi),
  eq: (a, b) => nt.eq(a, b),
  lt: (a, b) => nt.lt(a, b),
  sum: (a) => nt.sum(a),
  sumDim: (a, d) => nt.sum(a, d),
  mean: (a) => nt.mean(a),
  argmax: (a) => nt.argmax(a),
  argmaxDim: (a, d) => nt.argmax(a, d),
  max: (a) => nt.max(a) as Tensor,
  maxDim: (a, d) => nt.max(a, d).values,
  min: (a) => nt.min(a) as Tensor,
  relu: (a) => nt.relu(a),
  sigmoid: (a) => nt.sigmoid(a),
  exp: (a) => nt.exp(a),
  tanh: (a) => nt.tanh(a),
  sqrt: (a) => nt.sqrt(a),
  softmax: (a, d) => nt.softmax(a, d),
  logSoftmax: (a, d) => nt.logSoftmax(a, d),
  gelu: (a) => nt.gelu(a),
  std: (a) => nt.std(a),
  where: (c, a, b) => nt.where(c, a, b),
  cat: (a, b) => nt.cat([a, b]),
  stack: (a, b) => nt.stack([a, b]),
  oneHot: (a) => nt.oneHot(a),
  toFloat: (a) => nt.toDtype(a, 'float32'),
  crossEntropy: (x, y) => nt.nn.functional.crossEntropy(x, y),
  nllLoss: (x, y) => nt.nn.functional.nllLoss(x, y),
  gather: (x, d, i) => nt.gather(x, d, i),
  indexSelect: (x, d, i) => nt.indexSelect(x, d, i),
  embedding: (i, w) => nt.nn.functional.embedding(i, w),
};

/** The op name nodetorch's error message starts with for each fixture op. */
const ERROR_NAME: Record<string, string> = { addAlpha: 'add', logSoftmax: 'logSoftmax' };

function expectResult(t: Tensor, want: Result): void {
  expect(t.dtype).toBe(want.dtype);
  expect(t.shape).toEqual(want.shape);
  const got = Array.from(t.data, (v) => (t.dtype === 'bool' ? v !== 0 : v));
  const values = (dec(want.values!) as (number | boolean)[]);
  if (t.dtype === 'float32') {
    values.forEach((v, i) => {
      if (Number.isNaN(v)) expect(got[i]).toBeNaN();
      else expect(got[i] as number).toBeCloseTo(v as number, 5);
    });
  } else expect(got).toEqual(values);
}

describe('tensor() infers the dtype as torch.tensor', () => {
  it.each(fixture.inference.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const t = nt.tensor(dec(c.input));
    expectResult(t, c);
    if (t.dtype === 'int64') for (const v of t.data) expect(Object.is(v, -0)).toBe(false);
  });

  it('{ dtype } overrides the inference', () => {
    expect(nt.tensor([0, 1, 1], { dtype: 'float32' }).dtype).toBe('float32');
    expect(nt.tensor([0.5, 1], { dtype: 'int64' }).toArray()).toEqual([0, 1]);
    expect(nt.tensor([0, 2], { dtype: 'bool' }).toArray()).toEqual([false, true]);
    expect(nt.tensor([1, 2], { dtype: 'float32', requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('integers beyond 2^53 - 1 are float32 (int64 storage holds integers exactly only that far)', () => {
    expect(nt.tensor([2 ** 53]).dtype).toBe('float32');
    expect(nt.tensor([-(2 ** 53 - 1)]).dtype).toBe('int64');
  });

  it('a typed array gives float32 whatever its class, unless dtype says otherwise', () => {
    expect(nt.tensor(new Int32Array([1, 2])).dtype).toBe('float32');
    expect(nt.tensor(new Float64Array([1, 2])).dtype).toBe('float32');
    expect(nt.tensor(new Uint8Array([1, 0])).dtype).toBe('float32');
    expect(nt.tensor(new Int32Array([1, 2]), { dtype: 'int64' }).dtype).toBe('int64');
  });

  it('requiresGrad on inferred int64 data names the dtype', () => {
    expect(() => nt.tensor([1, 2], { requiresGrad: true })).toThrow(/only tensors of floating point dtype can require gradients, got int64/);
  });

  it('int64 results print, convert and read as plain numbers', () => {
    const t = nt.tensor([[3, -1], [0, 2]]);
    expect(t.toString()).toBe('tensor([[ 3, -1],\n        [ 0,  2]])');
    expect(t.tolist()).toEqual([[3, -1], [0, 2]]);
    expect(nt.sum(t).item()).toBe(4);
    expect(typeof nt.argmax(t).item()).toBe('number');
    expect(nt.eq(t, 3).tolist()).toEqual([[true, false], [false, false]]);
  });
});

describe('ops on int64 and bool tensors as PyTorch', () => {
  it.each(fixture.ops.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const f = OPS[c.op];
    expect(f, `no nodetorch function for fixture op ${c.op}`).toBeDefined();
    const args = c.args.map(arg);
    if (c.error !== undefined) {
      // PyTorch refuses the dtype: a clear error naming the op and the dtype (int64 or PyTorch's 'Long').
      const name = ERROR_NAME[c.op] ?? c.op;
      let err: unknown;
      try {
        f(...args);
      } catch (e) {
        err = e;
      }
      expect(err, `${c.name}: expected an error like PyTorch's: ${c.error}`).toBeInstanceOf(Error);
      const msg = (err as Error).message;
      expect(msg.startsWith(`${name}: `), msg).toBe(true);
      expect(msg, msg).toMatch(/int64|Long|bool|integral|floating point/);
    } else expectResult(f(...args), c);
  });
});
