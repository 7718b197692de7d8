/**
 * Chains of view ops and in-place ops on views against PyTorch 1.13 (test/fixtures/gen_views.py): forward
 * values, the input's gradient, and PyTorch's error text for in-place misuse. The same steps as the
 * generator's interpreter. Runs on the backend the suite is forced to (NODETORCH_BACKEND).
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { Tensor } from '../../src/tensor.js';
import { loadFixture } from '../helpers/fixtures.js';
import { expectClose } from '../helpers/allclose.js';
import { decode } from '../helpers/op-fixtures.js';
import { split } from '../../src/ops/split.js';
import { chunk } from '../../src/ops/chunk.js';
import { index, type IndexLike, newaxis } from '../../src/ops/indexing.js';

type Step = [string, ...unknown[]];
interface Case {
  name: string;
  x: { shape: number[]; data: (number | string)[] };
  steps: Step[];
  w?: (number | string)[];
  out?: { shape: number[]; data: (number | string)[] };
  grad?: (number | string)[];
  error?: string;
}
const { cases } = loadFixture<{ cases: Case[] }>('views.json');

/** Python's x[a, b, ...] entries: a dict is a slice, null is None (newaxis), a number picks. */
function indexEntry(a: unknown): IndexLike {
  if (a === null) return newaxis;
  if (typeof a === 'number') return a;
  return a as IndexLike;
}

/** The generator's interpreter (gen_views.py run()). */
export function runSteps(x: Tensor, steps: readonly Step[]): Tensor {
  let cur = x;
  const saved = new Map<string, Tensor>();
  for (const [op, ...args] of steps) {
    if (op === 'save') saved.set(args[0] as string, cur);
    else if (op === 'load') cur = saved.get(args[0] as string)!;
    else if (op === 'mulby') cur = cur.mul(saved.get(args[0] as string)!);
    else if (op === 'split') cur = split(cur, args[0] as number, args[1] as number)[args[2] as number];
    else if (op === 'chunk') cur = chunk(cur, args[0] as number, args[1] as number)[args[2] as number];
    else if (op === 'index') cur = index(cur, ...(args[0] as unknown[]).map(indexEntry));
    else {
      const m = (cur as unknown as Record<string, (...a: unknown[]) => Tensor>)[op];
      if (typeof m !== 'function') throw new Error(`no method ${op}`);
      cur = m.apply(cur, args);
    }
  }
  return cur;
}

describe('view chains match PyTorch 1.13', () => {
  for (const c of cases) {
    it(c.name, () => {
      const x = new Tensor(Float32Array.from(decode(c.x.data)), c.x.shape).requiresGrad_();
      if (c.error !== undefined) {
        // PyTorch's text, after the op the user called
        expect(() => {
          const y = runSteps(x, c.steps);
          y.mul(new Tensor(new Float32Array(y.numel()).fill(1), y.shape)).sum().backward();
        }).toThrow(c.error);
        return;
      }
      const y = runSteps(x, c.steps);
      expect(y.shape).toEqual(c.out!.shape);
      expectClose(y.data, decode(c.out!.data), 1e-5, 1e-6, 'forward');
      y.mul(new Tensor(Float32Array.from(decode(c.w!)), y.shape)).sum().backward();
      expectClose(x.grad!.data, decode(c.grad!), 1e-5, 1e-6, 'grad');
    });
  }
});
