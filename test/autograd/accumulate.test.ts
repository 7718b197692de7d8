/**
 * The engine's PendingInputGrad hook (src/autograd/node.ts): a backward may add its input gradient into the
 * gradient the engine already holds for that input. The sums must be bit for bit the engine's own (arrival
 * order, one float32 rounding per addition), and the hook must refuse every buffer that is not the engine's
 * alone. Test ops below accumulate when offered and count how often they were.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { randn, tensor } from '../../src/creation.js';
import { record } from '../../src/autograd/record.js';
import { PendingGrads } from '../../src/autograd/grad-buffers.js';
import { gradBuffer } from '../../src/util/grad-pool.js';
import { manualSeed } from '../../src/util/generator.js';
import { conv1d, conv1dRelu } from '../../src/ops/conv1d.js';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import '../../src/ops/methods.js';

/** Gradient buffers are pooled from 1024 floats on (src/util/grad-pool.ts): the tensors here are longer. */
const N = 1031;
/** A leaf of N float32 values (varied, so that every rounding shows). */
const leafOf = (seed: number) => tensor(Array.from({ length: N }, (_, i) => Math.sin(i * seed + 1) * 3), { dtype: 'float32', requiresGrad: true });

/** How often the test ops were offered a pending gradient (and added into it). */
const log = { acc: 0 };

/** How a test op's backward hands its gradient on when it does not accumulate. */
type Kind = 'pooled' | 'plain' | 'view';

/** The gradient s * g as the kind of storage asked for. */
function fresh(g: Tensor, s: number, kind: Kind): Tensor {
  const n = g.data.length;
  const buf = kind === 'plain' ? new Float32Array(n) : kind === 'view' ? gradBuffer(n + 2).subarray(1, n + 1) : gradBuffer(n);
  for (let i = 0; i < n; i++) buf[i] = (g.data[i] as number) * s;
  return new Tensor(buf, g.shape);
}

/** y = s * x; backward adds s * g into x's pending gradient when offered and `accumulate`, else hands on `kind`. */
function scaled(x: Tensor, s: number, accumulate: boolean, kind: Kind = 'pooled'): Tensor {
  const y = Float32Array.from(x.data as Float32Array, (v) => v * s);
  return record(new Tensor(y, x.shape), 'ScaleBackward0', [x], (g, _owned, pending) => {
    const sum = accumulate ? pending(0) : null;
    if (sum === null) return [fresh(g, s, kind)];
    log.acc++;
    const d = sum.data as Float32Array;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + Math.fround((g.data[i] as number) * s);
    return [sum];
  });
}

/** a + b of two same-shape tensors (a test op: its backward hands out fresh pooled copies of g). */
function plus(a: Tensor, b: Tensor): Tensor {
  const y = Float32Array.from(a.data as Float32Array, (v, i) => v + (b.data[i] as number));
  return record(new Tensor(y, a.shape), 'AddBackward0', [a, b], (g) => [fresh(g, 1, 'pooled'), fresh(g, 1, 'pooled')]);
}

/** Scale factors whose sums depend on the order: 1e8 + 1 rounds to 1e8 in float32. */
const SCALES = [1e8, 1, -1e8, 3.3, 0.1];

/** d/dx of sum(s_0 x + s_1 x + ...), the branches built by `branch` (accumulating or not). */
function gradOfBranches(accumulate: boolean, leaf: boolean, kind: Kind = 'pooled'): Float32Array {
  const x0 = leafOf(1);
  const x = leaf ? x0 : scaled(x0, 1.5, false);
  let out = scaled(x, SCALES[0]!, accumulate, kind);
  for (let k = 1; k < SCALES.length; k++) out = plus(out, scaled(x, SCALES[k]!, accumulate, kind));
  out.sum().backward();
  return (x0.grad!.data as Float32Array).slice();
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('PendingInputGrad: a backward adding into the pending gradient', () => {
  it('gives the bits of the engine sum, in arrival order, for a leaf and an intermediate input', () => {
    for (const leaf of [true, false]) {
      const want = gradOfBranches(false, leaf);
      log.acc = 0;
      const got = gradOfBranches(true, leaf);
      expect(log.acc, `leaf=${leaf}: offered to every branch after the first`).toBe(SCALES.length - 1);
      expect(bits(got)).toEqual(bits(want));
    }
    // The order matters for these values: a different order would give other bits.
    const shuffled = Math.fround(Math.fround(Math.fround(-1e8 + 1e8) + 1) + 3.3);
    expect(Math.fround(Math.fround(Math.fround(1e8 + 1) - 1e8) + 3.3)).not.toBe(shuffled);
  });

  it('is not offered when the first gradient is not a pool buffer or is a view of one', () => {
    for (const kind of ['plain', 'view'] as const) {
      const want = gradOfBranches(false, true, kind);
      log.acc = 0;
      // Only the branch that arrives first hands on `kind`: the later ones find no pooled, whole buffer.
      const x = leafOf(1);
      const out = plus(scaled(x, 2, true), scaled(x, 3, true, kind));
      out.sum().backward();
      expect(log.acc, kind).toBe(0);
      expect(Array.from(x.grad!.data)).toEqual(new Array(N).fill(5));
      expect(gradOfBranches(true, true, kind)).toEqual(want);
    }
  });

  it('is not offered for an input the op reads twice (its other gradient would come after the sum)', () => {
    log.acc = 0;
    const x = leafOf(2);
    const twice = record(new Tensor(Float32Array.from(x.data as Float32Array, (v) => 2 * v), x.shape), 'TwiceBackward0', [x, x], (g, _o, pending) => {
      expect(pending(0)).toBeNull();
      expect(pending(1)).toBeNull();
      return [fresh(g, 1, 'pooled'), fresh(g, 1, 'pooled')];
    });
    plus(twice, scaled(x, 5, true)).sum().backward(); // scaled's backward runs first: x has a pending gradient
    expect(Array.from(x.grad!.data)).toEqual(new Array(N).fill(7));
  });

  it('keeps retainGraph backwards and leaf accumulation exact', () => {
    const run = (accumulate: boolean) => {
      const x = leafOf(1);
      let out = scaled(x, SCALES[0]!, accumulate);
      for (let k = 1; k < SCALES.length; k++) out = plus(out, scaled(x, SCALES[k]!, accumulate));
      const loss = out.sum();
      loss.backward(undefined, { retainGraph: true });
      loss.backward();
      return (x.grad!.data as Float32Array).slice();
    };
    log.acc = 0;
    const got = run(true);
    expect(log.acc).toBe(2 * (SCALES.length - 1));
    expect(bits(got)).toEqual(bits(run(false)));
  });

  it('lets registerHook hooks see the whole sum', () => {
    const seen: number[][] = [];
    for (const accumulate of [false, true]) {
      const x0 = leafOf(1);
      const x = scaled(x0, 2, false);
      x.registerHook((g) => void seen.push(Array.from(g.data as Float32Array)));
      x0.registerHook((g) => void seen.push(Array.from(g.data as Float32Array)));
      let out = scaled(x, SCALES[0]!, accumulate);
      for (let k = 1; k < SCALES.length; k++) out = plus(out, scaled(x, SCALES[k]!, accumulate));
      out.sum().backward();
    }
    expect(seen).toHaveLength(4);
    expect(seen[2]).toEqual(seen[0]);
    expect(seen[3]).toEqual(seen[1]);
  });
});

describe('PendingGrads.accumulator', () => {
  const t = leafOf(3);
  const busy = new Tensor(gradBuffer(N), [N]);
  const pooled = () => new Tensor(gradBuffer(N).fill(1), [N]);

  it('offers one pooled, whole, unshared gradient', () => {
    const p = new PendingGrads();
    const g = pooled();
    p.add(t, g);
    expect(p.accumulator(t, busy)).toBe(g);
  });

  it('refuses a buffer another pending gradient shares, until that one is taken', () => {
    const p = new PendingGrads();
    const other = leafOf(4);
    const g = pooled();
    p.add(t, g);
    p.add(other, g);
    expect(p.accumulator(t, busy)).toBeNull();
    p.take(other, []);
    expect(p.accumulator(t, busy)).toBe(g);
  });

  it('refuses two pending contributions, a non-pool buffer, a view, a size mismatch and the busy gradient', () => {
    const two = new PendingGrads();
    two.add(t, pooled());
    two.add(t, pooled());
    expect(two.accumulator(t, busy)).toBeNull();
    const cases: [string, Tensor, Tensor][] = [
      ['not pooled', new Tensor(new Float32Array(N), [N]), busy],
      ['a view', new Tensor(gradBuffer(N + 1).subarray(1), [N]), busy],
      ['another size', new Tensor(gradBuffer(N + 1), [N + 1]), busy],
    ];
    const g = pooled();
    cases.push(['the busy gradient', g, new Tensor(g.data as Float32Array, [N])]);
    for (const [what, pend, b] of cases) {
      const p = new PendingGrads();
      p.add(t, pend);
      expect(p.accumulator(t, b), what).toBeNull();
    }
    expect(new PendingGrads().accumulator(t, busy), 'nothing pending').toBeNull();
  });
});

describe('conv1d backward adding into the pending input gradient', () => {
  /**
   * d/dx of a 4-branch sum over one input: three conv1d (with and without a fused relu) and a test op
   * whose gradient arrives first, as a pool buffer (the convs then add into it) or a plain array (nothing
   * is offered: the engine sums). Same contributions, same order: the bits must agree.
   */
  const gradWith = (first: Kind): Float32Array => {
    manualSeed(7);
    const x = randn([2, 4, 300], { requiresGrad: true });
    const ws = [randn([6, 4, 1]), randn([5, 4, 3]), randn([3, 4, 5])];
    const y1 = conv1d(x, ws[0]!);
    const y2 = conv1dRelu(x, ws[1]!, null, { padding: 1 });
    const y3 = conv1dRelu(x, ws[2]!, null, { padding: 2 });
    // sum(y1) + sum(y2 * y2) + sum(y3) + sum(0.5 x): the last branch's backward runs first.
    add(add(add(y1.sum(), mul(y2, y2).sum()), y3.sum()), scaled(x, 0.5, false, first).sum()).backward();
    return (x.grad!.data as Float32Array).slice();
  };

  it('gives the bits of the engine sum', () => {
    const summed = gradWith('plain');
    expect(bits(gradWith('pooled'))).toEqual(bits(summed));
    expect(summed.some((v) => v !== 0.5)).toBe(true); // the conv branches contribute
  });
});
