/** The Reshape shape tensor keeps dynamic axes dynamic: 0 copies a leading dim, -1 absorbs the moved one. */
import { describe, expect, it } from 'vitest';
import { probedTarget, reshapeTarget } from '../../src/onnx/reshape-target.js';
import { ExportError } from '../../src/onnx/builder.js';

describe('reshapeTarget', () => {
  it('static shapes stay as traced', () => {
    expect(reshapeTarget([2, 3, 4], [false, false, false], [2, 12])).toEqual({ target: [2, 12], dyn: [false, false] });
  });

  it('flatten with a dynamic batch copies it (0)', () => {
    expect(reshapeTarget([2, 3, 4], [true, false, false], [2, 12])).toEqual({ target: [0, 12], dyn: [true, false] });
  });

  it('flatten of a dynamic length infers the merged dim (-1)', () => {
    expect(reshapeTarget([2, 3, 4], [true, false, true], [2, 12])).toEqual({ target: [0, -1], dyn: [true, true] });
  });

  it('flatten of everything with a dynamic batch', () => {
    expect(reshapeTarget([2, 3], [true, false], [6])).toEqual({ target: [-1], dyn: [true] });
  });

  it('unsqueeze / squeeze move the dynamic dim: -1 at its new place', () => {
    expect(reshapeTarget([2, 3], [true, false], [1, 2, 3])).toEqual({ target: [1, -1, 3], dyn: [false, true, false] });
    expect(reshapeTarget([1, 2, 3], [false, true, false], [2, 3])).toEqual({ target: [-1, 3], dyn: [true, false] });
  });

  it('a sample size equal to a static size is still matched by position', () => {
    expect(reshapeTarget([4, 4, 1], [true, false, false], [4, 4])).toEqual({ target: [0, 4], dyn: [true, false] });
  });

  it('refuses to split a dynamic dim or move two', () => {
    expect(() => reshapeTarget([6, 4], [true, false], [2, 3, 4])).toThrow(ExportError);
    expect(() => reshapeTarget([6, 4], [true, false], [2, 3, 4])).toThrow('cannot reshape (6, 4) to (2, 3, 4): a dynamic axis is split or merged into more than one output dim');
    expect(() => reshapeTarget([2, 3, 5], [true, false, true], [1, 2, 3, 5])).toThrow('with more than one dynamic axis moved');
  });
});

describe('probedTarget (two traces: the sample, and the probe with the dynamic axes one longer)', () => {
  it('a dynamic dim folded with a static one: -1 where it moved, static where nothing changed', () => {
    // attention heads: (L, N, E) -> (L, N * H, E / H) at N = 3 and N = 4, H = 2
    expect(probedTarget([5, 3, 8], [5, 6, 4], { inShape: [5, 4, 8], outShape: [5, 8, 4] })).toEqual({ target: [5, -1, 4], dyn: [false, true, false] });
    // and split back: (N * H, L, S) -> (N, H, L, S)
    expect(probedTarget([6, 5, 7], [3, 2, 5, 7], { inShape: [8, 5, 7], outShape: [4, 2, 5, 7] })).toEqual({ target: [-1, 2, 5, 7], dyn: [true, false, false, false] });
  });

  it('a dim copied from the same place in the input is 0, so two dynamic dims can pass', () => {
    expect(probedTarget([2, 9, 4], [2, 36], { inShape: [3, 10, 4], outShape: [3, 40] })).toEqual({ target: [0, -1], dyn: [true, true] });
  });

  it('refuses two inferred dims', () => {
    expect(() => probedTarget([2, 3], [3, 2], { inShape: [3, 4], outShape: [4, 3] })).toThrow('with more than one dynamic output dim inferred');
  });
});
