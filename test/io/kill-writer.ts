/**
 * Child process of the kill test: rewrites one checkpoint forever. Checkpoint i holds tensors filled
 * with i and step = i, so a torn or mixed file is detectable. Prints "wrote <i>" after each write.
 * Usage: node --import tsx test/io/kill-writer.ts <path> <elements per tensor>
 */
import { Tensor } from '../../src/tensor.js';
import { saveCheckpoint } from '../../src/io/serialize.js';

const [path, numel] = process.argv.slice(2);
const n = Number(numel);
const a = new Float32Array(n);
const b = new Float64Array(Math.max(1, n >> 4));
for (let i = 1; ; i++) {
  a.fill(i);
  b.fill(-i);
  saveCheckpoint(path, {
    model: { 'layer.weight': new Tensor(a, [n]), 'layer.count': new Tensor(b, [b.length], 'int64') },
    optimizer: { state: { 0: { momentum_buffer: new Tensor(a, [n]) } }, param_groups: [{ lr: 0.1, params: [0] }] },
    step: i,
    generator: null,
  });
  process.stdout.write(`wrote ${i}\n`);
}
