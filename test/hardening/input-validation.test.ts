/**
 * Issue 11, findings 3-5 as regression tests: the allocation limit checked before any allocation, clear
 * errors (message starting with the op the user called, TypeError for types, RangeError for values), and
 * no silent garbage from a detached, resized or replaced storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  Tensor, tensor, zeros, ones, rand, randn, randperm, linspace, arange, full, add, mul, sub, div, sum, cat, oneHot,
  nn, optim, setAllocationLimit, getAllocationLimit, setBackend, getBackend,
} from '../../src/index.js';
import { testBackends } from '../helpers/backends.js';

const F = nn.functional;

/** `f` throws an instance of `cls` whose message starts with `op + ':'` and matches `re` if given. */
function expectClear(f: () => unknown, cls: typeof TypeError | typeof RangeError, op: string, re?: RegExp): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `${op}: expected a ${cls.name}`).toBeInstanceOf(cls);
  const msg = (err as Error).message;
  expect(msg.startsWith(`${op}:`), msg).toBe(true);
  if (re) expect(msg).toMatch(re);
}

/** A float32 tensor whose buffer was transferred away (as postMessage does). */
function detached(shape: number[]): Tensor {
  const t = randn(shape);
  structuredClone(t.data, { transfer: [t.data.buffer] });
  return t;
}

describe('allocation limit (finding 3)', () => {
  afterEach(() => setAllocationLimit({ maxElements: null, maxBytesPerCall: null }));

  it('defaults to 2^31 - 1 elements and no byte budget; set, get and restore', () => {
    expect(getAllocationLimit()).toEqual({ maxElements: 2 ** 31 - 1, maxBytesPerCall: Infinity });
    setAllocationLimit({ maxBytesPerCall: 1024 });
    expect(getAllocationLimit()).toEqual({ maxElements: 2 ** 31 - 1, maxBytesPerCall: 1024 });
    expectClear(() => zeros([257]), RangeError, 'zeros', /1028 bytes exceeds the allocation limit of 1024 bytes per call/);
    expect(zeros([256]).numel()).toBe(256);
    expectClear(() => zeros([129], { dtype: 'int64' }), RangeError, 'zeros', /1032 bytes/);
    setAllocationLimit({ maxElements: 10, maxBytesPerCall: null });
    expectClear(() => ones([11]), RangeError, 'ones', /11 elements exceeds the allocation limit of 10 elements/);
    expectClear(() => setAllocationLimit({ maxElements: -1 }), RangeError, 'setAllocationLimit');
    expectClear(() => setAllocationLimit({ maxElements: '5' as never }), TypeError, 'setAllocationLimit');
    expectClear(() => setAllocationLimit(null as never), TypeError, 'setAllocationLimit');
  });

  it('runaway sizes fail at once with the op name, never V8\'s bare "Invalid typed array length"', () => {
    expectClear(() => zeros([2 ** 31]), RangeError, 'zeros', /2147483648 \(2\^31\) elements/);
    expectClear(() => randn([2 ** 31]), RangeError, 'randn');
    expectClear(() => randperm(2 ** 31), RangeError, 'randperm');
    expectClear(() => linspace(NaN, NaN, 2 ** 32), RangeError, 'linspace');
    expectClear(() => arange(0, 2 ** 40), RangeError, 'arange');
    expectClear(() => full([2 ** 20, 2 ** 20, 2 ** 20], 1), RangeError, 'full');
    expectClear(() => new nn.Linear(2, 2 ** 30), RangeError, 'Linear');
    expectClear(() => new nn.BatchNorm1d(2 ** 31), RangeError, 'BatchNorm1d');
    expectClear(() => new nn.Conv1d(2 ** 16, 2 ** 16, 2 ** 10), RangeError, 'Conv1d');
    expectClear(() => randn([1, 1]).expand([2 ** 20, 2 ** 20]), RangeError, 'expand');
    expectClear(() => oneHot(tensor([1], { dtype: 'int64' }), 2 ** 31), RangeError, 'oneHot');
    const [a, b, x, w, long] = [randn([60]), randn([60]), randn([1, 1, 4]), randn([1, 1, 1]), randn([1, 200])];
    setAllocationLimit({ maxElements: 100 });
    expectClear(() => cat([a, b]), RangeError, 'cat');
    expectClear(() => F.conv1d(x, w, null, { padding: 1000 }), RangeError, 'conv1d');
    expectClear(() => F.avgPool1d(long, 1), RangeError, 'avgPool1d');
    expectClear(() => F.adaptiveAvgPool1d(x, 1000), RangeError, 'adaptiveAvgPool1d');
  });
});

describe('clear errors (finding 4)', () => {
  it('the cases of the issue', () => {
    const x = randn([2, 3, 8]);
    const w = randn([4, 3, 3]);
    // Null options mean "no options", as omitting them does; a non-object is a TypeError.
    expect(F.conv1d(x, w, null, null as never).shape).toEqual([2, 4, 6]);
    expectClear(() => F.conv1d(x, w, null, 5 as never), TypeError, 'conv1d', /expected options to be an object, got 5/);
    expect(F.batchNorm(randn([4, 3]), zeros([3]), ones([3]), null as never).shape).toEqual([4, 3]);
    expect(randn([2, 3]).mean(null as never).shape).toEqual([]); // None: every dim, as in PyTorch
    expectClear(() => randn([2, 3]).mean('0' as never), TypeError, 'mean');
    expectClear(() => new Tensor(new Float32Array(3), 3 as never), TypeError, 'Tensor', /argument 'shape' must be an array of integers, not number/);
    expectClear(() => rand('2,3' as never), TypeError, 'rand', /argument 'size' must be an array of integers, not string/);
    expectClear(() => tensor(new BigInt64Array(6) as never), TypeError, 'tensor', /BigInt64Array/);
    expectClear(() => zeros([2, -1]), RangeError, 'zeros', /negative dimension -1: \[2, -1\]/);
    expectClear(() => ones([2], { dtype: 'float16' as never }), TypeError, 'ones', /unsupported dtype 'float16'/);
  });

  it('the class they stand for: sizes, options and dtypes of the creation functions', () => {
    for (const bad of [NaN, Infinity, 1.5]) expectClear(() => zeros([2, bad]), RangeError, 'zeros');
    expectClear(() => zeros([2n as never]), TypeError, 'zeros', /element of type bigint at pos 0/);
    expectClear(() => randn([2], 'x' as never), TypeError, 'randn', /expected options to be an object/);
    expectClear(() => randn([2], { generator: {} as never }), TypeError, 'randn', /generator/);
    expectClear(() => randn([2], { dtype: 'int64' }), TypeError, 'randn', /floating point dtype/);
    expectClear(() => full([2], 'a' as never), TypeError, 'full');
    expectClear(() => linspace(0, 1, 2.5), TypeError, 'linspace');
    expectClear(() => arange(0, NaN), RangeError, 'arange', /unsupported range/);
    expectClear(() => randperm(10n as never), TypeError, 'randperm');
    expect(zeros([2], null as never).shape).toEqual([2]);
  });
});

describe.each(testBackends().map((b) => [b.name]))('no silent garbage (finding 5) on %s', (name) => {
  it('every op on a detached tensor throws, naming the op the user called', () => {
    const prev = getBackend().name;
    setBackend(name as never);
    try {
      const d = detached([2, 3]);
      const detachedMsg = /storage of a float32 tensor of shape \(2, 3\) holds 0 elements, expected 6: its ArrayBuffer was detached/;
      expectClear(() => add(d, 1), TypeError, 'add', detachedMsg);
      expectClear(() => mul(d, d), TypeError, 'mul');
      expectClear(() => sub(1, d), TypeError, 'sub');
      expectClear(() => div(d, 2), TypeError, 'div');
      expectClear(() => sum(d), TypeError, 'sum');
      expectClear(() => d.sum(), TypeError, 'sum');
      expectClear(() => d.relu(), TypeError, 'relu');
      expectClear(() => F.crossEntropy(d, tensor([0, 1], { dtype: 'int64' })), TypeError, 'crossEntropy');
      expectClear(() => F.conv1d(detached([1, 2, 5]), randn([1, 2, 3])), TypeError, 'conv1d');
      expectClear(() => F.linear(d, randn([4, 3])), TypeError, 'linear');
      expectClear(() => new nn.Linear(3, 4).call(d), TypeError, 'linear'); // the module's op
      const p = new nn.Parameter(randn([3]));
      p.grad = randn([3]);
      const opt = new optim.SGD([p], { lr: 0.1 });
      structuredClone(p.data, { transfer: [p.data.buffer] });
      expectClear(() => opt.step(), TypeError, 'SGD.step', /shape \(3,\) holds 0 elements/);
    } finally {
      setBackend(prev as never);
    }
  });
});

describe('Tensor storage is checked where it enters (finding 5)', () => {
  it('storage of the wrong class or length is refused', () => {
    expectClear(() => new Tensor(new Float64Array(3) as never, [3], 'float32'), TypeError, 'Tensor', /Float32Array, got a Float64Array/);
    expectClear(() => new Tensor([1, 2, 3] as never, [3]), TypeError, 'Tensor', /got an array/);
    expectClear(() => new Tensor(new Int32Array(3) as never, [3]), TypeError, 'Tensor', /Int32Array/);
    expectClear(() => new Tensor(new Uint8Array(3), [3], 'float32'), TypeError, 'Tensor');
    expectClear(() => new Tensor(new Float32Array(3), [3], 'float16' as never), TypeError, 'Tensor', /unsupported dtype/);
    expectClear(() => new Tensor(new Float32Array(3), [2, 2]), RangeError, 'Tensor', /3 elements does not fit shape \(2, 2\)/);
    expectClear(() => new Tensor(new Float32Array(3), [-3]), RangeError, 'Tensor');
  });

  it('the public data setter takes only the same class and length', () => {
    const t = randn([3]);
    expectClear(() => { t.data = new Float32Array(2); }, RangeError, 'data', /expected storage of 3 elements for shape \(3,\), got 2/);
    expectClear(() => { t.data = new Float64Array(3) as never; }, TypeError, 'data');
    t.data = new Float32Array([1, 2, 3]);
    expect([...t.relu().data]).toEqual([1, 2, 3]);
  });

  it('a length-tracking view over a shrunk resizable buffer is caught', () => {
    // Resizable ArrayBuffers (ES2024) are newer than the project's TS lib: typed loosely here.
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const buf = new Resizable(12, { maxByteLength: 12 });
    const t = new Tensor(new Float32Array(buf), [3]);
    buf.resize(8);
    expectClear(() => t.sum(), TypeError, 'sum', /holds 2 elements, expected 3: its ArrayBuffer was resized/);
  });
});
