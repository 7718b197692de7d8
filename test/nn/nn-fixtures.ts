/**
 * Runs the PyTorch cases of test/fixtures/nn.json (written by test/fixtures/gen_nn.py): functional op
 * cases in the format of ops.json, and module cases (constructor arguments, state dict, steps of
 * forward + backward in train or eval mode, parameter gradients, buffers after each step).
 */
import { expect, it } from 'vitest';
import type { Tensor } from '../../src/tensor.js';
import type { AnyModule } from '../../src/nn/module.js';
import { fileURLToPath } from 'node:url';
import { loadPth } from '../../src/io/pth.js';
import { expectClose } from '../helpers/allclose.js';
import { loadFixture } from '../helpers/fixtures.js';
import {
  backwardAll, compareGrads, compareOutputs, decode, fixtureTensor, itMatchesFixtureCases, outputList,
  type FixtureOptions, type FixtureTensor, type OpCase, type OpResult,
} from '../helpers/op-fixtures.js';

export interface ModuleStep {
  train: boolean;
  inputs: FixtureTensor[];
  outputs: FixtureTensor[];
  gy: ((number | string)[] | null)[];
  grads: ((number | string)[] | null)[];
  paramGrads: [string, (number | string)[] | null][];
  buffers: [string, FixtureTensor][];
}

export interface ModuleCase {
  module: string;
  name: string;
  args: unknown[];
  state: [string, FixtureTensor][];
  /** A `.pth` file under test/fixtures/seq/ holding the same state dict as torch.save wrote it. */
  pth?: string;
  repr: string;
  steps: ModuleStep[];
}

export interface NnFixture {
  cases: OpCase[];
  modules: ModuleCase[];
  reprs: Record<string, string>;
  gains: Record<string, number>;
}

const cache = new Map<string, NnFixture>();
let seqCache: NnFixture | null = null;

/** nn.json, or another file of its layout (nn2d.json: the image layers, test/fixtures/gen_nn2d.py). */
export function nnFixture(file = 'nn.json'): NnFixture {
  if (!cache.has(file)) cache.set(file, loadFixture<NnFixture>(file));
  return cache.get(file)!;
}

/** test/fixtures/seq.json (written by test/fixtures/gen_seq.py): the layers of issue 12, in nn.json's layout. */
export function seqFixture(): NnFixture {
  seqCache ??= loadFixture<NnFixture>('seq.json');
  return seqCache;
}

/** Where the module cases come from: nn.json (default) or seq.json. */
export interface ModuleFixtureOptions extends FixtureOptions {
  fixture?: NnFixture;
}

/**
 * One vitest `it` per nn.json case of `op`; `impl(inputs, args)` calls the nodetorch op the way the
 * generator called PyTorch's. Fails if the fixture holds no case for the op.
 */
export function itMatchesPyTorchNn(
  op: string, impl: (inputs: Tensor[], args: Record<string, any>) => Tensor | readonly Tensor[], opts: ModuleFixtureOptions = {},
  file = 'nn.json',
): void {
  itMatchesFixtureCases(op, (opts.fixture ?? nnFixture(file)).cases, impl, opts);
}

/** {@link itMatchesPyTorchNn} over the cases of seq.json. */
export function itMatchesPyTorchSeq(
  op: string, impl: (inputs: Tensor[], args: Record<string, any>) => Tensor | readonly Tensor[], opts: FixtureOptions = {},
): void {
  itMatchesFixtureCases(op, seqFixture().cases, impl, opts);
}

/** The state dict of a module case: PyTorch's own `.pth` file when the case names one (checked equal to the JSON copy). */
function caseState(c: ModuleCase): Map<string, Tensor> {
  const fromJson = new Map(c.state.map(([k, f]) => [k, fixtureTensor(f)]));
  if (c.pth === undefined) return fromJson;
  const loaded = loadPth<Record<string, Tensor>>(fileURLToPath(new URL(`../fixtures/seq/${c.pth}`, import.meta.url)));
  const fromPth = new Map(Object.entries(loaded));
  expect([...fromPth.keys()], `${c.pth} keys`).toEqual([...fromJson.keys()]);
  for (const [k, t] of fromJson) {
    const p = fromPth.get(k)!;
    expect([...p.shape], `${c.pth} ${k} shape`).toEqual([...t.shape]);
    expect(Array.from(p.data), `${c.pth} ${k}`).toEqual(Array.from(t.data));
  }
  return fromPth;
}

/** Constructor arguments from JSON: `{ tensor: FixtureTensor }` becomes a Tensor, recursively. */
export function decodeArgs(v: unknown): any {
  if (Array.isArray(v)) return v.map(decodeArgs);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('tensor' in o) return fixtureTensor(o.tensor as FixtureTensor);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeArgs(x)]));
  }
  return v;
}

/**
 * One `it` per nn.json module case of `kind`: build it with `make(args)`, check its repr and state dict
 * keys against PyTorch, load PyTorch's state dict, then run each step (mode, forward, backward) and
 * compare outputs, input gradients, parameter gradients and buffers.
 */
export function itMatchesPyTorchModule(
  kind: string, make: (args: any[]) => AnyModule, opts: ModuleFixtureOptions = {}, file = 'nn.json',
): void {
  const cases = (opts.fixture ?? nnFixture(file)).modules.filter((c) => c.module === kind);
  it(`has PyTorch module cases for ${kind}`, () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`matches PyTorch: ${kind} ${c.name}`, () => {
      const rtol = opts.rtol ?? 1e-5;
      const atol = opts.atol ?? 1e-6;
      const m = make(decodeArgs(c.args));
      expect(String(m), 'repr').toBe(c.repr);
      const own = m.stateDict();
      expect([...own.keys()], 'state dict keys').toEqual(c.state.map(([k]) => k));
      c.state.forEach(([k, f]) => expect([...own.get(k)!.shape], `${k} shape`).toEqual(f.shape));
      m.loadStateDict(caseState(c));
      const params = new Map(m.namedParameters());
      c.steps.forEach((s, si) => {
        m.train(s.train);
        m.zeroGrad();
        const inputs = s.inputs.map((f) => fixtureTensor(f, f.grad === true));
        const outs = outputList(m.forward(...inputs) as OpResult);
        compareOutputs(outs, s.outputs, s.gy, rtol, atol);
        backwardAll(outs, s.gy);
        compareGrads(inputs, s.grads, s.inputs, rtol, atol);
        expect([...params.keys()], `step ${si} parameter names`).toEqual(s.paramGrads.map(([k]) => k));
        for (const [k, g] of s.paramGrads) {
          const p = params.get(k)!;
          if (g === null) expect(p.grad, `step ${si} ${k}.grad`).toBeNull();
          else expectClose(p.grad!.data, decode(g), rtol, atol, `step ${si} ${k}.grad`);
        }
        const bufs = new Map(m.namedBuffers());
        expect([...bufs.keys()], `step ${si} buffer names`).toEqual(s.buffers.map(([k]) => k));
        for (const [k, f] of s.buffers) {
          const b = bufs.get(k)!;
          expect(b.dtype, `${k} dtype`).toBe(f.dtype);
          expectClose(b.data, decode(f.data), rtol, atol, `step ${si} buffer ${k}`);
        }
      });
    });
  }
}
