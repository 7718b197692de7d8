/** DistributedDataParallel in one process (world size 1): options, unused parameters, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dist from '../../src/distributed/index.js';
import { nn, tensor, manualSeed, type Tensor } from '../../src/index.js';
import { RUN_GLOO } from '../distributed/helpers.js';

/** Uses only its first layer when `skip` is set: the second then gets no gradient. */
class TwoHeads extends nn.Module<[Tensor, boolean], Tensor> {
  a = new nn.Linear(3, 2);
  b = new nn.Linear(3, 2);
  override forward(x: Tensor, skip: boolean): Tensor {
    return skip ? this.a.call(x) : this.a.call(x).add(this.b.call(x));
  }
}

describe('DistributedDataParallel without a process group', () => {
  it('says the group is not initialized', () => {
    expect(() => nn.parallel.DistributedDataParallel.create(new nn.Linear(2, 2))).toThrow(/^DistributedDataParallel: Default process group has not been initialized/);
  });
});

describe.skipIf(!RUN_GLOO)('DistributedDataParallel, one rank (file:// rendezvous)', () => {
  beforeAll(() => {
    dist.initProcessGroup({ initMethod: `file://${mkdtempSync(join(tmpdir(), 'nt-ddp-'))}`, rank: 0, worldSize: 1, timeoutMs: 10_000 });
  });
  afterAll(() => dist.destroyProcessGroup());

  it('checks its options', () => {
    const m = new nn.Linear(2, 2);
    expect(() => nn.parallel.DistributedDataParallel.create({} as nn.Module)).toThrow(/^DistributedDataParallel: expected module to be a Module, got an object/);
    expect(() => nn.parallel.DistributedDataParallel.create(m, { bucketCapMb: 0 })).toThrow(/bucketCapMb must be a positive number, got 0/);
    expect(() => nn.parallel.DistributedDataParallel.create(m, { broadcastBuffers: 'yes' as unknown as boolean })).toThrow(TypeError);
    const ddp = nn.parallel.DistributedDataParallel.create(m);
    expect(() => nn.parallel.DistributedDataParallel.create(ddp as unknown as nn.Module)).toThrow(/already wrapped/);
    expect(() => ddp.noSync(1 as unknown as () => void)).toThrow(TypeError);
  });

  it('a parameter without a gradient is an error naming it, unless findUnusedParameters', () => {
    manualSeed(0);
    const m = new TwoHeads();
    const ddp = nn.parallel.DistributedDataParallel.create(m);
    const x = tensor([[1, 2, 3]], { dtype: 'float32' });
    expect(() => ddp.forward(x, true).sum().backward()).toThrow(/parameters that were not used in producing loss: b\.weight, b\.bias/);
    // The failed reduction leaves no state behind: a full backward works and gives local = averaged grads.
    m.zeroGrad();
    ddp.forward(x, false).sum().backward();
    expect(Array.from(m.b.weight.grad!.data)).toEqual([1, 2, 3, 1, 2, 3]);

    const m2 = new TwoHeads();
    const ddp2 = nn.parallel.DistributedDataParallel.create(m2, { findUnusedParameters: true });
    ddp2.forward(x, true).sum().backward();
    expect(m2.b.weight.grad).toBeNull(); // untouched, as in PyTorch
    expect(Array.from(m2.a.weight.grad!.data)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('a Promise from noSync keeps sync off until it settles', async () => {
    const m = new nn.Linear(2, 1);
    const ddp = nn.parallel.DistributedDataParallel.create(m);
    const p = ddp.noSync(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return 5;
    });
    expect(ddp._ddp.requireSync).toBe(false);
    expect(await p).toBe(5);
    expect(ddp._ddp.requireSync).toBe(true);
  });
});

describe('SyncBatchNorm.convertSyncBatchnorm', () => {
  it('replaces every BatchNorm1d in place, sharing its parameters and buffers', () => {
    const bn = new nn.BatchNorm1d(3, { momentum: 0.2, eps: 1e-3 });
    const m = new nn.Sequential(new nn.Linear(2, 3), bn, new nn.ReLU());
    const keys = [...m.stateDict().keys()];
    const out = nn.SyncBatchNorm.convertSyncBatchnorm(m);
    expect(out).toBe(m);
    const s = m.modules()[2];
    expect(s).toBeInstanceOf(nn.SyncBatchNorm);
    expect([...m.namedChildren()].map(([n]) => n)).toEqual(['0', '1', '2']);
    expect((s as nn.SyncBatchNorm).weight).toBe(bn.weight);
    expect((s as nn.SyncBatchNorm).runningMean).toBe(bn.runningMean);
    expect((s as nn.SyncBatchNorm).momentum).toBe(0.2);
    expect([...m.stateDict().keys()]).toEqual(keys);
    expect(nn.SyncBatchNorm.convertSyncBatchnorm(new nn.BatchNorm1d(2))).toBeInstanceOf(nn.SyncBatchNorm);
  });

  it('without a process group it is BatchNorm1d', () => {
    manualSeed(3);
    const x = nn.init.normal_(tensor([[1, 2], [3, 4], [5, 7]], { dtype: 'float32' }));
    const a = new nn.BatchNorm1d(2);
    const b = nn.SyncBatchNorm.convertSyncBatchnorm(new nn.BatchNorm1d(2));
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
    expect(Array.from(b.runningVar!.data)).toEqual(Array.from(a.runningVar!.data));
  });
});
