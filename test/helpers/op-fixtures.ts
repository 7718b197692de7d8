/**
 * Runs the PyTorch cases of test/fixtures/ops.json (written by test/fixtures/gen_ops.py) for one op:
 * builds the inputs, calls the op, compares every output (shape, dtype, values) and, after backward
 * with PyTorch's output weights, every input gradient.
 */
import { expect, it } from 'vitest';
import { Tensor, storageFor, type DType } from '../../src/tensor.js';
import { expectClose } from './allclose.js';
import { loadFixture } from './fixtures.js';

export interface FixtureTensor {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
  grad?: boolean;
}

export interface OpCase {
  op: string;
  name: string;
  inputs: FixtureTensor[];
  args: Record<string, any>;
  outputs: FixtureTensor[];
  gy: ((number | string)[] | null)[];
  grads: ((number | string)[] | null)[];
  tol?: [number, number];
}

export interface CreationCase extends FixtureTensor {
  fn: string;
  args: unknown[];
}

let cache: {
  cases: OpCase[];
  repr: (FixtureTensor & { requiresGrad: boolean; repr: string })[];
  creation: CreationCase[];
} | null = null;

export function opsFixture() {
  cache ??= loadFixture('ops.json');
  return cache!;
}

/** JSON values back to numbers ("nan", "inf", "-inf" stand for the non-finite floats). */
export function decode(values: readonly (number | string)[]): number[] {
  return values.map((v) => (typeof v === 'number' ? v : v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : -Infinity));
}

export function fixtureTensor(f: FixtureTensor, requiresGrad = false): Tensor {
  const s = storageFor(f.dtype, f.data.length);
  s.set(decode(f.data));
  const t = new Tensor(s, f.shape, f.dtype);
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

/** What an op returns: one tensor, a list of tensors, or a values/indices pair (max, min, ...). */
export type OpResult = Tensor | readonly Tensor[] | { values: Tensor; indices: Tensor };

/** An op's outputs as a list, in the order the fixture lists them. */
export function outputList(r: OpResult): Tensor[] {
  if (r instanceof Tensor) return [r];
  if (Array.isArray(r)) return [...r];
  const vi = r as { values: Tensor; indices: Tensor };
  return [vi.values, vi.indices];
}

export interface FixtureOptions {
  /** Default tolerances for float values (a case's own `tol` wins). */
  rtol?: number;
  atol?: number;
}

/** Compares each output's shape, dtype, values and requiresGrad (an output requires grad iff PyTorch gave it a gy). */
export function compareOutputs(outs: Tensor[], expected: FixtureTensor[], gy: ((number | string)[] | null)[], rtol: number, atol: number): void {
  expect(outs.length, 'number of outputs').toBe(expected.length);
  outs.forEach((o, k) => {
    const e = expected[k];
    expect([...o.shape], `output ${k} shape`).toEqual(e.shape);
    expect(o.dtype, `output ${k} dtype`).toBe(e.dtype);
    if (e.dtype === 'float32') expectClose(o.data, decode(e.data), rtol, atol, `output ${k}`);
    else expect(Array.from(o.data), `output ${k} values`).toEqual(decode(e.data));
    expect(o.requiresGrad, `output ${k} requiresGrad`).toBe(gy[k] !== null);
  });
}

/** Backward from every output that has a gy, weighted by it (loss = sum_k sum(out_k * gy_k)). */
export function backwardAll(outs: Tensor[], gy: ((number | string)[] | null)[]): void {
  outs.forEach((o, k) => {
    const g = gy[k];
    if (g !== null) o.backward(new Tensor(Float32Array.from(decode(g)), o.shape), { retainGraph: true });
  });
}

/** Compares each input's gradient with PyTorch's (null: the input must have no gradient). */
export function compareGrads(inputs: Tensor[], want: ((number | string)[] | null)[], shapes: FixtureTensor[], rtol: number, atol: number): void {
  inputs.forEach((t, i) => {
    const w = want[i];
    if (w === null) {
      expect(t.grad, `input ${i} grad`).toBeNull();
      return;
    }
    expect(t.grad, `input ${i} grad`).not.toBeNull();
    expect([...t.grad!.shape], `input ${i} grad shape`).toEqual(shapes[i].shape);
    expectClose(t.grad!.data, decode(w), rtol, atol, `input ${i} grad`);
  });
}

/**
 * One vitest `it` per case of `op` among `allCases` (the `cases` of ops.json or nn.json). `impl(inputs,
 * args)` calls the nodetorch op the way the Python generator called PyTorch's. Fails if there is no
 * case for the op.
 */
export function itMatchesFixtureCases(
  op: string, allCases: readonly OpCase[], impl: (inputs: Tensor[], args: Record<string, any>) => OpResult, opts: FixtureOptions = {},
): void {
  const cases = allCases.filter((c) => c.op === op);
  it(`has PyTorch fixture cases for ${op}`, () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`matches PyTorch: ${op} ${c.name}`, () => {
      const [rtol, atol] = c.tol ?? [opts.rtol ?? 1e-5, opts.atol ?? 1e-6];
      const inputs = c.inputs.map((f) => fixtureTensor(f, f.grad === true));
      const outs = outputList(impl(inputs, c.args));
      compareOutputs(outs, c.outputs, c.gy, rtol, atol);
      backwardAll(outs, c.gy);
      compareGrads(inputs, c.grads, c.inputs, rtol, atol);
    });
  }
}

/** {@link itMatchesFixtureCases} over the cases of ops.json. */
export function itMatchesPyTorch(op: string, impl: (inputs: Tensor[], args: Record<string, any>) => OpResult, opts: FixtureOptions = {}): void {
  itMatchesFixtureCases(op, opsFixture().cases, impl, opts);
}
