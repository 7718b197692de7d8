/**
 * Saving a view writes the view's elements (contiguous), in safetensors and .pth alike, and a module's
 * state dict stays right after in-place updates through views of its parameters.
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { Tensor } from '../../src/tensor.js';
import { serializeSafetensors, parseSafetensors } from '../../src/io/safetensors.js';
import { serializePth, parsePth } from '../../src/io/pth.js';
import { Linear } from '../../src/nn/index.js';
import { noGrad } from '../../src/autograd/grad-mode.js';

const concat = (chunks: Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));

function base(): Tensor {
  return new Tensor(Float32Array.from({ length: 12 }, (_, i) => i + 0.5), [3, 4]);
}

const VIEWS: Record<string, (b: Tensor) => Tensor> = {
  t: (b) => b.t(),
  narrowDim1: (b) => b.narrow(1, 1, 2),
  selectRow: (b) => b.select(0, 2),
  stepSlice: (b) => b.index(null, { start: 1, step: 2 }),
  expanded: (b) => b.select(1, 0).unsqueeze(1).expand(3, 5),
};

describe('serialising views', () => {
  it('safetensors writes each view\'s own elements', () => {
    const b = base();
    const views = Object.fromEntries(Object.entries(VIEWS).map(([k, f]) => [k, f(b)]));
    const back = parseSafetensors(concat(serializeSafetensors(views))).tensors;
    for (const [k, v] of Object.entries(views)) {
      expect(back[k].shape, k).toEqual(v.shape);
      expect(back[k].toArray(), k).toEqual(v.toArray());
    }
  });

  it('.pth writes each view\'s own elements', () => {
    const b = base();
    const views = Object.fromEntries(Object.entries(VIEWS).map(([k, f]) => [k, f(b)]));
    const back = parsePth(concat(serializePth({ ...views, b }))) as Record<string, Tensor>;
    for (const [k, v] of Object.entries(views)) expect(back[k].toArray(), k).toEqual(v.toArray());
    expect(back.b.toArray()).toEqual(b.toArray());
  });

  it('stateDict sees in-place changes made through views of a parameter', () => {
    const lin = new Linear(3, 2);
    noGrad(() => lin.weight.select(0, 1).fill_(0.25));
    const sd = lin.stateDict();
    expect((sd.get('weight')!.toArray() as number[][])[1]).toEqual([0.25, 0.25, 0.25]);
    const back = parseSafetensors(concat(serializeSafetensors(sd))).tensors;
    expect((back.weight.toArray() as number[][])[1]).toEqual([0.25, 0.25, 0.25]);
  });
});
