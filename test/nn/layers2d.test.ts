/**
 * The image layers against PyTorch (test/fixtures/nn2d.json, test/fixtures/gen_nn2d.py) on every backend,
 * a small CNN whose state dict PyTorch saved (test/fixtures/io/cnn.pth) loaded and run, and the layers'
 * own checks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nn from '../../src/nn/index.js';
import { loadPth, savePth } from '../../src/io/pth.js';
import { randn, zeros } from '../../src/creation.js';
import { Generator } from '../../src/util/generator.js';
import { setBackend, getBackend } from '../../src/backend/select.js';
import { testBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/allclose.js';
import { gradcheck } from '../helpers/gradcheck.js';
import { fixtureTensor, decode, type FixtureTensor } from '../helpers/op-fixtures.js';
import { itMatchesPyTorchModule, nnFixture } from './nn-fixtures.js';

type Ctor = new (...args: any[]) => nn.AnyModule;
const FIXTURE = 'nn2d.json';

const KINDS: Record<string, Ctor> = {
  Conv2d: nn.Conv2d,
  ConvTranspose1d: nn.ConvTranspose1d,
  ConvTranspose2d: nn.ConvTranspose2d,
  MaxPool2d: nn.MaxPool2d,
  AvgPool2d: nn.AvgPool2d,
  AdaptiveAvgPool2d: nn.AdaptiveAvgPool2d,
  BatchNorm2d: nn.BatchNorm2d,
  Upsample: nn.Upsample,
  Dropout2d: nn.Dropout2d,
};

/** The CNN of gen_nn2d.py, built the same way. */
function smallCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(6, 3),
  );
}

interface CnnFixture {
  images: FixtureTensor;
  eval: FixtureTensor;
  train: FixtureTensor;
  repr: string;
}

describe.each(testBackends())('image layers vs PyTorch on $name', (backend) => {
  beforeAll(() => setBackend(backend.name));
  it('runs on the selected backend', () => {
    expect(getBackend().name).toBe(backend.name);
  });
  for (const [kind, Ctor] of Object.entries(KINDS)) {
    describe(kind, () => {
      itMatchesPyTorchModule(kind, (args) => new Ctor(...args), { rtol: 1e-5, atol: 1e-5 }, FIXTURE);
    });
  }

  it('a small CNN loads PyTorch\'s cnn.pth with its keys and gives its logits (eval and train, fused Conv2d/BatchNorm2d + ReLU)', () => {
    const fx = (nnFixture(FIXTURE) as unknown as { cnn: CnnFixture }).cnn;
    const model = smallCnn();
    expect(String(model)).toBe(fx.repr);
    const state = loadPth<any>(fileURLToPath(new URL('../fixtures/io/cnn.pth', import.meta.url)));
    expect([...model.stateDict().keys()]).toEqual(Object.keys(state));
    model.loadStateDict(state);
    const x = fixtureTensor(fx.images);
    model.eval();
    expectClose(model.call(x).data, decode(fx.eval.data), 1e-5, 1e-5, 'eval logits');
    model.train();
    expectClose(model.call(x).data, decode(fx.train.data), 1e-5, 1e-5, 'train logits');
  });
});

describe('image layers: round trip and checks', () => {
  it('a state dict saved by nodetorch loads back with the same keys and values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-cnn-'));
    try {
      const a = smallCnn();
      const path = join(dir, 'cnn.pth');
      savePth(a.stateDict(), path);
      const b = smallCnn();
      b.loadStateDict(loadPth<any>(path));
      for (const [k, v] of a.stateDict()) expect(Array.from(b.stateDict().get(k)!.data), k).toEqual(Array.from(v.data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Conv2d: parameter shapes, padding same keeps the size for odd and even kernels, gradcheck (ref)', () => {
    const c = new nn.Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(c.weight.shape).toEqual([6, 2, 3, 2]);
    for (const k of [3, 4]) expect(new nn.Conv2d(2, 3, k, { padding: 'same' }).call(randn([1, 2, 7, 6])).shape).toEqual([1, 3, 7, 6]);
    setBackend('ref');
    const m = new nn.Conv2d(2, 2, 3, { padding: 'same', dilation: 2, generator: new Generator(1) });
    const x = randn([1, 2, 5, 5], { generator: new Generator(2) }).requiresGrad_();
    gradcheck((t, w, b) => nn.functional.conv2d(t, w, b, { padding: 'same', dilation: 2 }), [x, m.weight, m.bias!]);
  });

  it('errors name the layer, the argument, expected and actual', () => {
    const c = new nn.Conv2d(3, 4, 3);
    expect(() => c.call(zeros([2, 4, 8, 8]))).toThrow('Conv2d: expected input of shape (N, C_in=3, H, W) or (C_in=3, H, W), got (2, 4, 8, 8)');
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/Conv2d: in_channels must be divisible by groups/);
    expect(() => new nn.Conv2d(4, 3, 3, { groups: 2 })).toThrow(/Conv2d: out_channels must be divisible by groups/);
    expect(() => new nn.Conv2d(4, 4, 3, { groups: 0 })).toThrow(/Conv2d: groups must be a positive integer/);
    expect(() => new nn.Conv2d(1, 1, 3, { padding: 'full' as never })).toThrow("Conv2d: Invalid padding string 'full', should be one of ['valid', 'same']");
    expect(() => new nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow("Conv2d: padding='same' is not supported for strided convolutions");
    expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'reflect' as never })).toThrow(/Conv2d: paddingMode 'reflect' is not supported yet/);
    expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as never })).toThrow(/Conv2d: padding_mode must be one of/);
    expect(() => new nn.Conv2d(1, 1, 0)).toThrow(/Conv2d: expected kernelSize to be >= 1/);
    expect(() => new nn.Conv2d(1, 1, 3, { stride: 1.5 })).toThrow(TypeError);
    expect(() => new nn.BatchNorm2d(3).call(zeros([2, 3, 4]))).toThrow('BatchNorm2d: expected 4D input (got 3D input of shape (2, 3, 4))');
    expect(() => new nn.BatchNorm2d(3).call(zeros([2, 4, 2, 2]))).toThrow('BatchNorm2d: expected input of shape (N, C=3, H, W), got (2, 4, 2, 2)');
    expect(() => new nn.ConvTranspose2d(3, 4, 3, { groups: 2 })).toThrow(/ConvTranspose2d: in_channels must be divisible by groups/);
  });
});
