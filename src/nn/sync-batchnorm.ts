/**
 * SyncBatchNorm (torch.nn.SyncBatchNorm): batch normalization whose training statistics are taken over
 * the whole global batch, all ranks together, so data-parallel training normalizes exactly as one
 * process on the concatenated batch would. Outside training, or without a process group of more than
 * one rank, it is BatchNorm1d. Inputs (N, C) or (N, C, L).
 *
 * Training forward: per channel, each rank sums x and x^2 over its batch and length, the sums and the
 * element counts are summed over the ranks (differentiably: the backward sums the gradients of those
 * statistics over the ranks too), then mean = S / M and biased var = SQ / M - mean^2 normalize x; the
 * running variance takes the unbiased var * M / (M - 1), as PyTorch's.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { cat } from '../ops/cat.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tensorArg } from '../ops/args.js';
import { BatchNorm1d } from './batchnorm.js';
import { Module, type AnyModule } from './module.js';
import { isInitialized, getWorldSize } from '../distributed/process-group.js';
import { allReduceSumWithGrad } from '../distributed/differentiable-all-reduce.js';

export class SyncBatchNorm extends BatchNorm1d {
  override forward(x: Tensor): Tensor {
    if (!this.training || !isInitialized() || getWorldSize() === 1) return super.forward(x);
    tensorArg('SyncBatchNorm', 'input', x);
    const c = this.numFeatures;
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== c) {
      throw new RangeError(`SyncBatchNorm: expected input of shape (N, C=${c}) or (N, C=${c}, L), got ${shapeStr(x.shape)}`);
    }
    const x3 = x.ndim === 2 ? x.reshape([x.shape[0], c, 1]) : x;
    const local = x3.shape[0] * x3.shape[2];
    const stats = allReduceSumWithGrad(cat([x3.sum([0, 2]), x3.mul(x3).sum([0, 2]), new Tensor(new Float32Array([local]), [1])]));
    const m = stats.data[2 * c];
    if (m <= 1) throw new RangeError(`SyncBatchNorm: Expected more than 1 value per channel when training, got input size ${shapeStr(x.shape)} over all ranks`);
    const mean = stats.narrow(0, 0, c).div(m);
    const varBiased = stats.narrow(0, c, c).div(m).sub(mean.mul(mean));
    const shape = [1, c, 1];
    let y = x3.sub(mean.reshape(shape)).div(varBiased.add(this.eps).sqrt().reshape(shape));
    if (this.weight !== null && this.bias !== null) y = y.mul(this.weight.reshape(shape)).add(this.bias.reshape(shape));
    this.updateRunning(mean, varBiased, m);
    return x.ndim === 2 ? y.reshape([x.shape[0], c]) : y;
  }

  /** Running statistics as BatchNorm1d keeps them (momentum, or the cumulative average when null). */
  private updateRunning(mean: Tensor, varBiased: Tensor, m: number): void {
    const rm = this.runningMean;
    const rv = this.runningVar;
    const nbt = this.numBatchesTracked;
    if (!this.trackRunningStats || rm === null || rv === null || nbt === null) return;
    const factor = this.momentum ?? 1 / (nbt.data[0] + 1);
    noGrad(() => {
      for (let i = 0; i < this.numFeatures; i++) {
        rm.data[i] = (1 - factor) * rm.data[i] + factor * mean.data[i];
        rv.data[i] = (1 - factor) * rv.data[i] + factor * varBiased.data[i] * (m / (m - 1));
      }
    });
    nbt.data[0] += 1;
    nbt._bumpVersion(); // num_batches_tracked.add_(1), as BatchNorm1d
  }

  /**
   * Replaces every BatchNorm1d in `module` (or `module` itself) by a SyncBatchNorm sharing its
   * parameters and buffers (torch.nn.SyncBatchNorm.convert_sync_batchnorm); returns the result.
   */
  static convertSyncBatchnorm<M extends AnyModule>(module: M): M {
    if (!(module instanceof Module)) throw new TypeError(`convertSyncBatchnorm: expected a Module, got ${typeof module}`);
    if (module instanceof BatchNorm1d && !(module instanceof SyncBatchNorm)) {
      const s = new SyncBatchNorm(module.numFeatures, {
        eps: module.eps, momentum: module.momentum, affine: module.affine, trackRunningStats: module.trackRunningStats,
      });
      for (const [name, p] of module._parameters) s._parameters.set(name, p);
      for (const [name, b] of module._buffers) s._buffers.set(name, b);
      s.training = module.training;
      return s as unknown as M;
    }
    for (const [name, child] of module.namedChildren()) {
      const converted = SyncBatchNorm.convertSyncBatchnorm(child);
      // Map.set on the existing key keeps the child's place (registerModule would move it last).
      if (converted !== child) module._modules.set(name, converted);
    }
    return module;
  }
}
