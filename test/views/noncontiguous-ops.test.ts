/**
 * Ops on non-contiguous views give what the same ops give on `.contiguous()` copies, on every backend
 * against ref (seeded random view chains over sizes around the SIMD widths): kernels only ever see
 * contiguous data, because `data` gathers a strided view. Gradients through the chains agree as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { Tensor } from '../../src/tensor.js';
import { setBackend, getBackend, type BackendName } from '../../src/backend/select.js';
import { testBackends } from '../helpers/backends.js';
import { Rng } from '../helpers/fuzz-ops.js';
import { expectClose } from '../helpers/allclose.js';

const SIZES = [1, 2, 3, 7, 8, 9, 16, 17];

/** A random float32 base of 2 or 3 dims and a random chain of view ops on it (seeded). */
function drawChain(r: Rng): { base: Tensor; chain: (b: Tensor) => Tensor } {
  const shape = Array.from({ length: r.int(2, 3) }, () => r.pick(SIZES));
  const n = shape.reduce((a, b) => a * b, 1);
  const base = new Tensor(Float32Array.from({ length: n }, () => r.next() * 4 - 2), shape);
  const steps: ((t: Tensor) => Tensor)[] = [];
  let cur = [...shape];
  for (let k = r.int(1, 4); k > 0; k--) {
    const d = r.int(0, cur.length - 1);
    const kind = r.int(0, 4);
    if (kind === 0 && cur.length >= 2) {
      const e = (d + 1) % cur.length;
      steps.push((t) => t.transpose(d, e));
      [cur[d], cur[e]] = [cur[e], cur[d]];
    } else if (kind === 1 && cur[d] > 1) {
      const start = r.int(0, cur[d] - 1);
      const len = r.int(1, cur[d] - start);
      steps.push((t) => t.narrow(d, start, len));
      cur[d] = len;
    } else if (kind === 2 && cur[d] > 1) {
      const step = r.int(2, 3);
      const entries = cur.map((_, i) => (i === d ? { step } : null));
      steps.push((t) => t.index(...entries));
      cur[d] = Math.ceil(cur[d] / step);
    } else if (kind === 3 && cur.length >= 2) {
      const perm = [...cur.keys()].reverse();
      steps.push((t) => t.permute(perm));
      cur = perm.map((p) => cur[p]);
    } else if (kind === 4 && cur[d] === 1) {
      const to = r.pick([3, 8, 9]);
      const size = cur.map((s, i) => (i === d ? to : s));
      steps.push((t) => t.expand(size));
      cur = [...size];
    }
  }
  return { base, chain: (b) => steps.reduce((t, f) => f(t), b) };
}

/** Ops applied to the view, each reading it through `data` (the kernel boundary). */
const OPS: [string, (v: Tensor) => Tensor][] = [
  ['add self', (v) => v.add(v.mul(0.5))],
  ['relu', (v) => v.relu()],
  ['sigmoid', (v) => v.sigmoid()],
  ['sum over dim 0', (v) => v.sum(0)],
  ['softmax last dim', (v) => v.softmax(-1)],
  ['matmul with its transpose', (v) => v.reshape([v.shape[0], -1]).matmul(v.reshape([v.shape[0], -1]).t())],
];

describe.each(testBackends().map((b) => [b.name] as const))('ops on non-contiguous views on %s', (name) => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
  });
  afterAll(() => setBackend(prev));

  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}: same values and gradients as contiguous copies on ref`, () => {
      const { base, chain } = drawChain(new Rng(seed));
      for (const [what, op] of OPS) {
        setBackend('ref');
        const bRef = base.detach().clone().requiresGrad_();
        const want = op(chain(bRef).contiguous());
        want.sum().backward();
        setBackend(name as BackendName);
        const b = base.detach().clone().requiresGrad_();
        const v = chain(b);
        const got = op(v);
        expect(got.shape, what).toEqual(want.shape);
        expectClose(got.data, want.data, 1e-5, 1e-5, `${what} forward`);
        got.sum().backward();
        expectClose(b.grad!.data, bRef.grad!.data, 1e-5, 1e-5, `${what} grad`);
      }
    });
  }

  it('the draws include non-contiguous views (the property is not vacuous)', () => {
    let strided = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { base, chain } = drawChain(new Rng(seed));
      if (!chain(base).isContiguous()) strided++;
    }
    expect(strided).toBeGreaterThan(15);
  });
});
