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

type OpResult = Tensor | readonly Tensor[] | { values: Tensor; indices: Tensor };

function outputList(r: OpResult): Tensor[] {
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

/**
 * One vitest `it` per fixture case of `op`. `impl(inputs, args)` calls the nodetorch op the way the
 * Python generator called PyTorch's. Fails if the fixture holds no case for the op.
 */
export function itMatchesPyTorch(op: string, impl: (inputs: Tensor[], args: Record<string, any>) => OpResult, opts: FixtureOptions = {}): void {
  const cases = opsFixture().cases.filter((c) => c.op === op);
  it(`has PyTorch fixture cases for ${op}`, () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`matches PyTorch: ${op} ${c.name}`, () => {
      const [rtol, atol] = c.tol ?? [opts.rtol ?? 1e-5, opts.atol ?? 1e-6];
      const inputs = c.inputs.map((f) => fixtureTensor(f, f.grad === true));
      const outs = outputList(impl(inputs, c.args));
      expect(outs.length, 'number of outputs').toBe(c.outputs.length);
      outs.forEach((o, k) => {
        const e = c.outputs[k];
        expect([...o.shape], `output ${k} shape`).toEqual(e.shape);
        expect(o.dtype, `output ${k} dtype`).toBe(e.dtype);
        if (e.dtype === 'float32') expectClose(o.data, decode(e.data), rtol, atol, `output ${k}`);
        else expect(Array.from(o.data), `output ${k} values`).toEqual(decode(e.data));
        expect(o.requiresGrad, `output ${k} requiresGrad`).toBe(c.gy[k] !== null);
      });
      outs.forEach((o, k) => {
        const gy = c.gy[k];
        if (gy !== null) o.backward(new Tensor(Float32Array.from(decode(gy)), o.shape), { retainGraph: true });
      });
      inputs.forEach((t, i) => {
        const want = c.grads[i];
        if (want === null) {
          expect(t.grad, `input ${i} grad`).toBeNull();
          return;
        }
        expect(t.grad, `input ${i} grad`).not.toBeNull();
        expect([...t.grad!.shape], `input ${i} grad shape`).toEqual(c.inputs[i].shape);
        expectClose(t.grad!.data, decode(want), rtol, atol, `input ${i} grad`);
      });
    });
  }
}
