import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { getBackend, setBackend, type BackendName } from '../../src/backend/select.js';
import { defaultGenerator, Generator, manualSeed } from '../../src/util/generator.js';
import { Inception1d } from '../../src/models/index.js';
import { SGD } from '../../src/optim/index.js';
import {
  deserialize, formatForPath, load, loadCheckpoint, save, saveCheckpoint, serialize,
} from '../../src/io/serialize.js';
import { readSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { asOrderedDict, asTuple, isOrderedDict, isTuple } from '../../src/io/pickle.js';
import { testBackends } from '../helpers/backends.js';
import { concat, expectBitIdentical, expected, expectTensor, fixture, tempDir } from './util.js';
import { newRun } from './train-run.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const p = (name: string): string => join(tmp.dir, name);

function t32(values: number[], shape = [values.length]): Tensor {
  return new Tensor(Float32Array.from(values), shape);
}

describe('save / load', () => {
  it('picks the format from the extension and recognises files by content', () => {
    expect(formatForPath('a/b.safetensors')).toBe('safetensors');
    for (const ext of ['pth', 'pt', 'ckpt', 'bin', 'tar', 'PTH']) expect(formatForPath(`m.${ext}`)).toBe('pth');
    expect(() => formatForPath('model.h5')).toThrow(/cannot tell the format from the extension of 'model\.h5': use \.safetensors/);
    expect(() => save({}, p('x.json'))).toThrow(RangeError);

    const sd = { w: t32([1, 2, 3, 4], [2, 2]), n: new Tensor(Float64Array.from([5]), [], 'int64') };
    save(sd, p('sd.safetensors'));
    save(sd, p('sd.pth'));
    save(sd, p('weights.data'), { format: 'pth' });
    const plain = readSafetensors(p('sd.safetensors'));
    expect(plain.metadata).toBeNull(); // a flat state dict is a plain safetensors file
    for (const f of ['sd.safetensors', 'sd.pth', 'weights.data']) {
      const back = load<any>(p(f));
      expect(Object.keys(back).sort()).toEqual(['n', 'w']);
      expectBitIdentical(back.w, sd.w, `${f} w`);
      expectBitIdentical(back.n, sd.n, `${f} n`);
    }
    expect(Buffer.from(readFileSync(p('weights.data'))).subarray(0, 2).toString()).toBe('PK');
  });

  it('tells safetensors from .pth by content even when the header length looks like "PK" or a pickle', () => {
    for (const headerLen of [0x280, 0x4b50]) {
      // Pad the metadata so the JSON header is exactly headerLen bytes.
      const base = concat(serializeSafetensors({ w: t32([1, 2]) }, { pad: '' }));
      const n0 = Number(new DataView(base.buffer).getBigUint64(0, true));
      const bytes = concat(serializeSafetensors({ w: t32([1, 2]) }, { pad: 'x'.repeat(headerLen - n0) }));
      expect(Number(new DataView(bytes.buffer).getBigUint64(0, true))).toBe(headerLen);
      expect([...bytes.subarray(0, 2)]).toEqual([headerLen & 0xff, headerLen >> 8]);
      expect([...deserialize<any>(bytes).w.data]).toEqual([1, 2]);
    }
  });

  it('passes user metadata into safetensors only', () => {
    save({ w: t32([1]) }, p('m.safetensors'), { metadata: { epoch: '3' } });
    expect(readSafetensors(p('m.safetensors')).metadata).toEqual({ epoch: '3' });
    expect(() => save({ w: t32([1]) }, p('m.pth'), { metadata: { a: 'b' } })).toThrow(/metadata is only supported for safetensors/);
    expect(() => save({ w: t32([1]) }, p('m2.safetensors'), { metadata: { nodetorch: 'x' } })).toThrow(/metadata key 'nodetorch' is reserved/);
  });

  it('stores nested objects as one safetensors file: path-named tensors plus a JSON structure', () => {
    const shared = t32([9, 8]);
    const obj = {
      state: { 0: { momentum_buffer: t32([1, 2, 3]) }, 1: { momentum_buffer: shared } },
      param_groups: [{ lr: 0.003, momentum: 0.9, dampening: 0, nesterov: false, foreach: null, params: [0, 1] }],
      again: shared,
      specials: [Number.NaN, Infinity, -Infinity, -0, 2n ** 70n, 'text', true],
      tuple: asTuple([1, asTuple([])]),
      map: new Map<string | number, unknown>([['a', 1], [2, t32([4])]]),
      set: new Set([1, 'x']),
      bytes: Uint8Array.from([0, 255]),
      dollar: { $tensor: 'not a reference' },
      od: asOrderedDict({ z: 1, a: 2 }),
      mask: new Tensor(Uint8Array.from([1, 0]), [2], 'bool'),
    };
    save(obj, p('nested.safetensors'));
    const raw = readSafetensors(p('nested.safetensors'));
    expect(Object.keys(raw.tensors).sort()).toEqual(['map.2', 'mask', 'state.0.momentum_buffer', 'state.1.momentum_buffer']);
    expect(JSON.parse(raw.metadata!.nodetorch).version).toBe(1);
    const back = load<any>(p('nested.safetensors'));
    expectBitIdentical(back.state[0].momentum_buffer, obj.state[0].momentum_buffer, 'buf0');
    expect(back.again).toBe(back.state[1].momentum_buffer); // one tensor, referenced twice
    expect(back.param_groups).toEqual(obj.param_groups);
    expect(back.specials.slice(1)).toEqual([Infinity, -Infinity, -0, 2n ** 70n, 'text', true]);
    expect(Number.isNaN(back.specials[0])).toBe(true);
    expect(Object.is(back.specials[3], -0)).toBe(true);
    expect(isTuple(back.tuple) && isTuple(back.tuple[1])).toBe(true);
    expect([...back.map.keys()]).toEqual(['a', 2]);
    expectBitIdentical(back.map.get(2), obj.map.get(2) as Tensor, 'map tensor');
    expect(back.set).toEqual(new Set([1, 'x']));
    expect(back.bytes).toEqual(Uint8Array.from([0, 255]));
    expect(back.dollar).toEqual({ $tensor: 'not a reference' });
    expect(isOrderedDict(back.od)).toBe(true);
    expect(back.mask.dtype).toBe('bool');
  });

  it('refuses unsaveable values with the path', () => {
    expect(() => serialize({ a: { b: () => 1 } }, 'safetensors')).toThrow(/cannot save a function at a\.b/);
    expect(() => serialize({ a: new Date() }, 'safetensors')).toThrow(/cannot save a Date at a/);
    const cyc: any = {};
    cyc.self = cyc;
    expect(() => serialize(cyc, 'safetensors')).toThrow(/circular reference at self/);
    expect(() => serialize({}, 'npz' as never)).toThrow(/unknown format 'npz'/);
    let deep: unknown = [];
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => serialize(deep, 'safetensors')).toThrow(/nesting deeper than 1000 levels/);
    expect(() => serialize(deep, 'pth')).toThrow(/nesting deeper than 1000 levels/);
  });

  it('reports a corrupt structure document clearly', () => {
    const bytes = concat(serialize({ a: [t32([1])] }, 'safetensors'));
    // The structure is JSON inside a JSON string; swap the reference for one of the same length.
    const text = Buffer.from(bytes).toString('latin1');
    const ref = '\\"$tensor\\":\\"a.0\\"';
    expect(text.includes(ref)).toBe(true);
    const bad = Buffer.from(text.replace(ref, ref.replace('a.0', 'b.0')), 'latin1');
    expect(() => deserialize(bad)).toThrow(/^load: corrupt nodetorch structure in safetensors metadata at a\.0: reference to missing tensor "b\.0"$/);
    // A structure nested 100000 deep (JSON.parse copes; decoding must refuse it clearly).
    const deepDoc = `{"version":1,"root":${'['.repeat(100000)}${']'.repeat(100000)}}`;
    const deepFile = concat(serializeSafetensors({}, { nodetorch: deepDoc }));
    expect(() => deserialize(deepFile)).toThrow(/nesting deeper than 1000 levels/);
    const notJson = Buffer.from(text.replace(ref, ref.replace('a.0', 'a"0')), 'latin1');
    expect(() => deserialize(notJson)).toThrow(/invalid safetensors file: header is not valid JSON|corrupt nodetorch structure/);
  });
});

describe('checkpoints', () => {
  it.each(['ckpt.safetensors', 'ckpt.pth'])('%s: saves and restores model, optimizer, epoch, step, RNG and metadata', (name) => {
    const run = newRun(5);
    run.train(2);
    manualSeed(77);
    defaultGenerator.normal(); // leave a cached normal in the state
    const rngBefore = defaultGenerator.getState();
    saveCheckpoint(p(name), { model: run.model, optimizer: run.optimizer, epoch: 3, step: 2, metadata: { best: 0.25, tags: ['a'] } });
    const draw = [defaultGenerator.random(), defaultGenerator.normal()];

    manualSeed(1);
    const model = new Inception1d();
    const optimizer = new SGD(model.parameters(), { lr: 1 });
    const ck = loadCheckpoint(p(name), { model, optimizer });
    expect(defaultGenerator.getState()).toEqual(rngBefore);
    expect([defaultGenerator.random(), defaultGenerator.normal()]).toEqual(draw);
    expect(ck.epoch).toBe(3);
    expect(ck.step).toBe(2);
    expect(ck.metadata).toEqual({ best: 0.25, tags: ['a'] });
    expect(ck.missingKeys).toEqual([]);
    for (const [k, t] of run.model.stateDict()) expectBitIdentical(model.stateDict().get(k), t, k);
    const a = run.optimizer.stateDict();
    const b = optimizer.stateDict();
    expect(b.param_groups).toEqual(a.param_groups);
    for (const k of Object.keys(a.state)) expectBitIdentical((b.state as any)[k].momentum_buffer, (a.state as any)[k].momentum_buffer, `state ${k}`);
  });

  it('leaves the RNG alone with generator: null, or restores into a given generator', () => {
    saveCheckpoint(p('g.safetensors'), { model: { w: t32([1]) }, generator: new Generator(42) });
    manualSeed(9);
    const before = defaultGenerator.getState();
    const g = new Generator(0);
    loadCheckpoint(p('g.safetensors'), { generator: null });
    expect(defaultGenerator.getState()).toEqual(before);
    const ck = loadCheckpoint(p('g.safetensors'), { generator: g });
    expect(g.getState()).toEqual(new Generator(42).getState());
    expect(ck.rngState).toEqual(new Generator(42).getState());
    expect(defaultGenerator.getState()).toEqual(before);
  });

  it('loads the PyTorch checkpoint dict into our model and optimizer', () => {
    const exp = expected();
    const model = new Inception1d();
    const optimizer = new SGD(model.parameters(), { lr: 1 });
    const before = defaultGenerator.getState();
    const ck = loadCheckpoint(fixture('checkpoint.pth'), { model, optimizer });
    expect(defaultGenerator.getState()).toEqual(before); // torch's RNG state is not ours: untouched
    expect(ck.rngState).toBeNull();
    expect(ck.epoch).toBe(3);
    expect(ck.step).toBe(2);
    expect(ck.metadata).toEqual(exp.checkpoint.metadata);
    for (const [k, t] of model.stateDict()) expectTensor(t, exp.inception1d_state[k], k);
    expect(optimizer.stateDict().param_groups[0].lr).toBe(0.003);
  });

  it('accepts bare state dicts and PyTorch key spellings', () => {
    for (const f of ['inception1d_state.pth', 'inception1d_state.safetensors']) {
      const model = new Inception1d();
      const ck = loadCheckpoint(fixture(f), { model });
      expect(ck.epoch).toBe(0);
      expect(ck.optimizer).toBeNull();
      expect(model.stateDict().get('stem.1.num_batches_tracked')!.item()).toBe(2);
    }
    save({ model_state_dict: { w: t32([1, 2]) }, optimizer_state_dict: { state: {}, param_groups: [] }, global_step: 11, epoch: 2 }, p('torchy.pth'));
    const ck = loadCheckpoint(p('torchy.pth'));
    expect(ck.step).toBe(11);
    expect(ck.optimizer).toEqual({ state: {}, param_groups: [] });
    expect([...ck.model.w.data]).toEqual([1, 2]);
  });

  it('loads into a plain state dict target, strict or not', () => {
    saveCheckpoint(p('sd.safetensors'), { model: { a: t32([1, 2]), b: t32([3]) } });
    const dest = { a: t32([0, 0]), c: t32([0]) };
    expect(() => loadCheckpoint(p('sd.safetensors'), { model: dest })).toThrow(new RangeError(
      'Error(s) in loading state_dict for model:\n\tMissing key(s) in state_dict: "c". \n\tUnexpected key(s) in state_dict: "b". ',
    ));
    const ck = loadCheckpoint(p('sd.safetensors'), { model: dest, strict: false });
    expect([...dest.a.data]).toEqual([1, 2]);
    expect(ck.missingKeys).toEqual(['c']);
    expect(ck.unexpectedKeys).toEqual(['b']);
  });

  it('names what is wrong', () => {
    expect(() => saveCheckpoint(p('x.safetensors'), { model: { w: t32([1]) }, epoch: -1 })).toThrow(/expected epoch to be a non-negative integer, got -1/);
    expect(() => saveCheckpoint(p('x.safetensors'), { model: { w: [1] } as never })).toThrow(/model: expected a Tensor for key 'w', got an array/);
    expect(() => saveCheckpoint(p('x.safetensors'), { model: { w: t32([1]) }, generator: {} as never })).toThrow(/generator/);
    save({ weights: { w: t32([1]) }, epoch: 1 }, p('nomodel.pth'));
    expect(() => loadCheckpoint(p('nomodel.pth'))).toThrow(/no model state in checkpoint .*; keys: weights, epoch/);
    save([1, 2], p('list.pth'));
    expect(() => loadCheckpoint(p('list.pth'))).toThrow(/expected a checkpoint dict, got an array/);
    saveCheckpoint(p('noopt.safetensors'), { model: { w: t32([1]) } });
    expect(() => loadCheckpoint(p('noopt.safetensors'), { optimizer: new SGD([t32([1]).requiresGrad_()], { lr: 1 }) })).toThrow(/the checkpoint holds no optimizer state/);
  });
});

const CHILD = fileURLToPath(new URL('./resume-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Run the child until it reports its checkpoint, then SIGKILL it. */
function trainInChildAndKill(ckpt: string, steps: number, backend: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ckpt, String(steps), backend], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('saved\n')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' && out.includes('saved')) resolve();
      else reject(new Error(`child exited with ${code ?? signal}: ${err}`));
    });
  });
}

describe.each(testBackends().map((b) => [b.name] as const))('resume (%s backend)', (name) => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
    setBackend(name as BackendName);
  });
  afterAll(() => setBackend(prev));
  const N = 3;
  const M = 3;

  const uninterrupted = (): Map<string, Tensor> => {
    const run = newRun(123);
    run.train(N + M);
    return run.model.stateDict();
  };

  it('train N, checkpoint (.pth), resume in fresh objects, train M: bit-identical to N+M', () => {
    const run = newRun(123);
    run.train(N);
    saveCheckpoint(p(`resume-${name}.pth`), { model: run.model, optimizer: run.optimizer, step: N });
    const fresh = newRun(999); // different weights and RNG state, all overwritten by the checkpoint
    const ck = loadCheckpoint(p(`resume-${name}.pth`), { model: fresh.model, optimizer: fresh.optimizer });
    expect(ck.step).toBe(N);
    fresh.train(M);
    const want = uninterrupted();
    for (const [k, t] of want) expectBitIdentical(fresh.model.stateDict().get(k), t, k);
  });

  it('train N in a child, checkpoint (.safetensors), SIGKILL it, resume here, train M: bit-identical to N+M', async () => {
    const ckpt = p(`resume-child-${name}.safetensors`);
    await trainInChildAndKill(ckpt, N, name);
    expect(existsSync(ckpt)).toBe(true);
    const fresh = newRun(999);
    const ck = loadCheckpoint(ckpt, { model: fresh.model, optimizer: fresh.optimizer });
    expect(ck.step).toBe(N);
    expect(typeof ck.metadata.pid).toBe('number');
    fresh.train(M);
    const want = uninterrupted();
    for (const [k, t] of want) expectBitIdentical(fresh.model.stateDict().get(k), t, k);
    // And the momentum buffers match too.
    const ref = newRun(123);
    ref.train(N + M);
    const a = ref.optimizer.stateDict();
    const b = fresh.optimizer.stateDict();
    for (const k of Object.keys(a.state)) expectBitIdentical((b.state as any)[k].momentum_buffer, (a.state as any)[k].momentum_buffer, `momentum ${k}`);
  });
});
