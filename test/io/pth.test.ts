import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { tensor } from '../../src/creation.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { getBackend, setBackend, type BackendName } from '../../src/backend/select.js';
import { Inception1d } from '../../src/models/index.js';
import { SGD } from '../../src/optim/index.js';
import { loadPth, parsePth, savePth, serializePth } from '../../src/io/pth.js';
import { isOrderedDict, isTuple, UnpicklingError } from '../../src/io/pickle.js';
import { pickleTorch } from '../../src/io/pickler.js';
import { writeZip } from '../../src/io/zip.js';
import { testBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/allclose.js';
import { concat, expectBitIdentical, expected, expectTensor, fixture, tempDir } from './util.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('loadPth: files written by PyTorch 1.13', () => {
  it('reads the Inception1d state dict: every key in PyTorch order, exact values, int64 num_batches_tracked', () => {
    const exp = expected().inception1d_state;
    const sd = loadPth<any>(fixture('inception1d_state.pth'));
    expect(isOrderedDict(sd)).toBe(true);
    expect(Object.keys(sd)).toEqual(Object.keys(exp));
    for (const k of Object.keys(exp)) expectTensor(sd[k], exp[k], k);
    expect(sd['stem.1.num_batches_tracked'].dtype).toBe('int64');
    expect(sd['stem.1.num_batches_tracked'].item()).toBe(2);
    expect(sd['stem.1.num_batches_tracked'].shape).toEqual([]);
  });

  it('reads the SGD optimizer state dict: int parameter ids, momentum buffers, param_groups', () => {
    const exp = expected().sgd_state;
    const osd = loadPth<any>(fixture('sgd_state.pth'));
    expect(Object.keys(osd)).toEqual(['state', 'param_groups']);
    expect(Object.keys(osd.state)).toEqual(Object.keys(exp.state));
    expect(Object.keys(osd.state).length).toBe(30);
    for (const k of Object.keys(exp.state)) expectTensor(osd.state[k].momentum_buffer, exp.state[k].momentum_buffer, `state[${k}]`);
    expect(osd.param_groups).toEqual(exp.param_groups);
    expect(osd.param_groups[0].lr).toBe(0.003);
    expect(osd.param_groups[0].params).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('reads the checkpoint dict: nested state dicts, numbers, tuples, metadata, a uint8 RNG tensor', () => {
    const exp = expected();
    const ck = loadPth<any>(fixture('checkpoint.pth'));
    expect(Object.keys(ck)).toEqual(['model', 'optimizer', 'epoch', 'step', 'metadata', 'loss_history', 'best', 'torch_rng_state']);
    for (const k of Object.keys(exp.inception1d_state)) expectTensor(ck.model[k], exp.inception1d_state[k], `model.${k}`);
    for (const k of Object.keys(exp.sgd_state.state)) expectTensor(ck.optimizer.state[k].momentum_buffer, exp.sgd_state.state[k].momentum_buffer, `optimizer.${k}`);
    expect(ck.epoch).toBe(3);
    expect(ck.step).toBe(2);
    expect(ck.metadata).toEqual(exp.checkpoint.metadata);
    expect(ck.loss_history).toEqual(exp.checkpoint.loss_history);
    expect(ck.best).toEqual(exp.checkpoint.best);
    expect(isTuple(ck.best)).toBe(true);
    expectTensor(ck.torch_rng_state, exp.checkpoint.torch_rng_state, 'torch_rng_state');
  });

  it('reads every dtype and storage view: offsets, transposes, expands, shared storages', () => {
    const exp = expected().dtypes;
    const d = loadPth<any>(fixture('dtypes.pth'));
    expect(Object.keys(d.tensors)).toEqual(Object.keys(exp));
    for (const k of Object.keys(exp)) expectTensor(d.tensors[k], exp[k], k);
    // Shared storage in PyTorch becomes separate copies here.
    expect(d.tensors.shared_a.data).not.toBe(d.tensors.shared_b.data);
    expect(d.int_keys).toEqual({ 0: 'zero', 7: [1, 2.5, null, true, false] });
    expect(d.nested).toEqual({ list: [1, [2, [3, 'x']]], tuple: [1, 'two', 3], empty_list: [], empty_dict: {} });
    expect(isTuple(d.nested.tuple)).toBe(true);
    expect(d.numbers).toEqual({ big: 2 ** 40, neg: -5, float: 0.1, huge: 1e300, negzero: -0, int: 300000 });
    expect(Object.is(d.numbers.negzero, -0)).toBe(true);
    expect(d.text).toBe('h\u00e9llo \u2713');
    expect(d.none).toBeNull();
    // nn.Parameter is saved through torch._utils._rebuild_parameter.
    expect(d.param).toBeInstanceOf(Tensor);
    expect([...d.param.data]).toEqual([1.5, -2]);
    expect(d.param.requiresGrad).toBe(true);
  });

  it('bounds stride-0 expansion with maxExpandedElements', () => {
    expect(() => loadPth(fixture('dtypes.pth'), { maxExpandedElements: 5 })).toThrow(/expands a 3-element storage to 6 elements, above maxExpandedElements=5/);
  });

  it('rejects legacy (non-zip) files with instructions to re-save', () => {
    expect(() => loadPth(fixture('legacy.pth'))).toThrow(/legacy \(pre-1\.6, non-zip\) torch\.save file, which is not supported\. Re-save it .*torch\.save\(torch\.load\("old\.pth"\), "new\.pth"\)/);
  });

  it('rejects int64 values it cannot hold exactly, naming the value', () => {
    expect(() => loadPth(fixture('int64_overflow.pth'))).toThrow(/element 1 is 1152921504606846976, outside the range/);
  });

  it('rejects pickles that would run code (os.system, builtins.eval) without running anything', () => {
    expect(() => loadPth(fixture('malicious_os_system.pth'))).toThrow(UnpicklingError);
    expect(() => loadPth(fixture('malicious_os_system.pth'))).toThrow(/global 'posix\.system' is not allowed/);
    expect(() => loadPth(fixture('malicious_eval.pth'))).toThrow(/global '__builtin__\.eval' is not allowed/);
  });
});

describe.each(testBackends().map((b) => [b.name] as const))('a PyTorch state dict drives our Inception1d (%s backend)', (name) => {
  let prev: BackendName;
  beforeAll(() => {
    prev = getBackend().name as BackendName;
    setBackend(name as BackendName);
  });
  afterAll(() => setBackend(prev));

  it('maps keys 1:1 and produces PyTorch\'s logits for the fixed batch', () => {
    const exp = expected();
    const model = new Inception1d();
    const res = model.loadStateDict(loadPth<any>(fixture('inception1d_state.pth')));
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    model.eval();
    const x = tensor(Float32Array.from(exp.batch.values), { shape: exp.batch.shape });
    const y = noGrad(() => model.call(x));
    expect([...y.shape]).toEqual(exp.logits.shape);
    expectClose(y.data, exp.logits.values, 1e-4, 1e-5, 'logits');
  });
});

describe('state dict loading', () => {
  it('loads the PyTorch optimizer state into our SGD', () => {
    const exp = expected().sgd_state;
    const model = new Inception1d();
    model.loadStateDict(loadPth<any>(fixture('inception1d_state.pth')));
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.5 });
    opt.loadStateDict(loadPth<any>(fixture('sgd_state.pth')));
    const back = opt.stateDict();
    expect(back.param_groups[0].lr).toBe(0.003);
    expect(back.param_groups[0].momentum).toBe(0.9);
    for (const k of Object.keys(exp.state)) expectTensor((back.state as any)[k].momentum_buffer, exp.state[k].momentum_buffer, `state[${k}]`);
  });

  it('strict mode lists missing keys, unexpected keys and shape mismatches together, in PyTorch\'s words', () => {
    const src = loadPth<any>(fixture('inception1d_state.pth'));
    delete src['head.3.bias'];
    src['extra.weight'] = new Tensor(new Float32Array(1), [1]);
    src['stem.0.weight'] = new Tensor(new Float32Array(16 * 7), [16, 1, 7]);
    const model = new Inception1d();
    const before = [...model.getParameter('stem.0.bias').data];
    expect(() => model.loadStateDict(src)).toThrow(
      new RangeError(
        'Error(s) in loading state_dict for Inception1d:\n' +
          '\tMissing key(s) in state_dict: "head.3.bias". \n' +
          '\tUnexpected key(s) in state_dict: "extra.weight". \n' +
          '\tsize mismatch for stem.0.weight: copying a param with shape (16, 1, 7) from checkpoint, the shape in current model is (32, 1, 7).',
      ),
    );
    // Nothing was copied, not even the keys that matched.
    expect([...model.getParameter('stem.0.bias').data]).toEqual(before);
  });

  it('non-strict loading copies matching keys in place and reports the rest', () => {
    const src = loadPth<any>(fixture('inception1d_state.pth'));
    delete src['head.3.bias'];
    src.extra = new Tensor(new Float32Array(1), [1]);
    const model = new Inception1d();
    const res = model.loadStateDict(src, { strict: false });
    expect(res).toEqual({ missingKeys: ['head.3.bias'], unexpectedKeys: ['extra'] });
    // Written through to the module's parameters and buffers.
    const after = model.stateDict();
    expectBitIdentical(after.get('stem.0.weight'), src['stem.0.weight'], 'stem.0.weight');
    expect(after.get('stem.1.num_batches_tracked')!.item()).toBe(2);
  });
});

describe('savePth', () => {
  it('round-trips a PyTorch state dict bit-identically and deterministically', () => {
    const sd = loadPth<any>(fixture('inception1d_state.pth'));
    const a = join(tmp.dir, 'a.pth');
    const b = join(tmp.dir, 'b.pth');
    savePth(sd, a);
    savePth(sd, b);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    const back = loadPth<any>(a);
    expect(Object.keys(back)).toEqual(Object.keys(sd));
    for (const k of Object.keys(sd)) expectBitIdentical(back[k], sd[k], k);
    expect(isOrderedDict(back)).toBe(true);
  });

  it('round-trips module and optimizer state dicts and a checkpoint of them', () => {
    const model = new Inception1d();
    const opt = new SGD(model.parameters(), { lr: 0.003, momentum: 0.9 });
    opt.loadStateDict(loadPth<any>(fixture('sgd_state.pth')));
    const ck = { model: model.stateDict(), optimizer: opt.stateDict(), epoch: 7, note: 'x' };
    const p = join(tmp.dir, 'ck.pth');
    savePth(ck, p);
    const back = loadPth<any>(p);
    for (const [k, t] of model.stateDict()) expectBitIdentical(back.model[k], t, k);
    const osd = opt.stateDict();
    expect(back.optimizer.param_groups).toEqual(osd.param_groups);
    for (const k of Object.keys(osd.state)) expectBitIdentical(back.optimizer.state[k].momentum_buffer, (osd.state as any)[k].momentum_buffer as Tensor, `state ${k}`);
    expect(back.epoch).toBe(7);
    const opt2 = new SGD(new Inception1d().parameters(), { lr: 1 });
    opt2.loadStateDict(back.optimizer);
    expect(opt2.stateDict().param_groups[0].lr).toBe(0.003);
  });

  it('round-trips every nodetorch dtype and shape, and keeps shared storage shared on disk', () => {
    const base = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [6]);
    const obj = {
      f: new Tensor(Float32Array.from([Number.NaN, -0, Infinity, 1e-45]), [2, 2]),
      i: new Tensor(Float64Array.from([2 ** 53 - 1, -(2 ** 53 - 1), 0, -7]), [4], 'int64'),
      b: new Tensor(Uint8Array.from([1, 0, 1]), [3, 1], 'bool'),
      s: new Tensor(Float32Array.from([3]), []),
      e: new Tensor(new Float32Array(0), [2, 0, 3]),
      base,
      view: new Tensor(base.data, [2, 3]),
    };
    const bytes = concat(serializePth(obj));
    const back = parsePth(bytes) as Record<string, Tensor>;
    for (const [k, t] of Object.entries(obj)) expectBitIdentical(back[k], t, k);
    const names = pickleTorch(obj).storages.map((s) => s.key);
    expect(names.length).toBe(6);
  });
});

describe('parsePth: malformed archives', () => {
  const enc = new TextEncoder();
  const archive = (pkl: Uint8Array, storages: Record<string, Uint8Array>, extra: { name: string; data: Uint8Array }[] = []): Uint8Array =>
    concat(writeZip([
      { name: 'archive/data.pkl', data: pkl },
      ...Object.entries(storages).map(([k, v]) => ({ name: `archive/data/${k}`, data: v })),
      { name: 'archive/version', data: enc.encode('3\n') },
      ...extra,
    ]));
  const t = new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]);
  const good = pickleTorch({ t });

  it('accepts the well-formed archive', () => {
    expect((parsePth(archive(good.pickle, { 0: good.storages[0].bytes })) as any).t.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('names the problem for each defect', () => {
    expect(() => parsePth(archive(good.pickle, {}))).toThrow(/storage '0' has no record archive\/data\/0/);
    expect(() => parsePth(archive(good.pickle, { 0: new Uint8Array(12) }))).toThrow(/archive\/data\/0 has 12 bytes, expected 16 \(4 F32 elements\)/);
    expect(() => parsePth(archive(good.pickle, { 0: good.storages[0].bytes }, [{ name: 'archive/byteorder', data: enc.encode('middle') }]))).toThrow(/unknown byteorder record 'middle'/);
    const big = concat(writeZip([{ name: 'x/constants.pkl', data: new Uint8Array(1) }, { name: 'x/code/__torch__.py', data: new Uint8Array(1) }]));
    expect(() => parsePth(big)).toThrow(/TorchScript archive \(torch\.jit\.save\)/);
    expect(() => parsePth(concat(writeZip([{ name: 'foo.txt', data: new Uint8Array(1) }])))).toThrow(/no <archive>\/data\.pkl record/);
    expect(() => parsePth(new Uint8Array(0))).toThrow(/not a PyTorch \.pth file .*got an empty file/);
    expect(() => parsePth(enc.encode('hello world'))).toThrow(/not a PyTorch \.pth file/);
    // A view that runs past its storage: size (3, 2) over 4 elements.
    const pk = Buffer.from(good.pickle);
    const at = pk.indexOf(Buffer.from([0x4b, 2, 0x4b, 2, 0x86])); // size (2, 2)
    pk[at + 1] = 3;
    expect(() => parsePth(archive(pk, { 0: good.storages[0].bytes }))).toThrow(/tensor view \(offset 0, size \(3, 2\), stride \(2, 1\)\) runs past its storage of 4 elements/);
  });

  it('bounds the total memory a file can demand by its storage bytes', () => {
    // One 100k-element storage named by 400 tensors: 40M elements from a 400 kB archive.
    const big = new Tensor(new Float32Array(100_000), [100_000]);
    const bytes = concat(serializePth(Array.from({ length: 400 }, () => big)));
    expect(bytes.length).toBeLessThan(500_000);
    expect(() => parsePth(bytes)).toThrow(/would hold more than 17577216 elements, more than its 400000 bytes of storage can back/);
    // A few overlapping views are fine.
    expect((parsePth(concat(serializePth([big, big, big]))) as Tensor[]).length).toBe(3);
    const ten = concat(serializePth(Array.from({ length: 10 }, () => big)));
    expect((parsePth(ten) as Tensor[]).length).toBe(10);
    expect(() => parsePth(ten, { maxExpandedElements: 0 })).toThrow(/would hold more than 800000 elements/);
  });

  it('reads big-endian storages when the byteorder record says so', () => {
    const be = new Uint8Array(good.storages[0].bytes);
    for (let i = 0; i < be.length; i += 4) be.subarray(i, i + 4).reverse();
    const bytes = archive(good.pickle, { 0: be }, [{ name: 'archive/byteorder', data: enc.encode('big') }]);
    expect((parsePth(bytes) as any).t.toArray()).toEqual([[1, 2], [3, 4]]);
  });
});
