/**
 * The exported files pass ONNX's own checker (onnx.checker.check_model with full_check, which also runs
 * shape inference) and decode with the reference protobuf implementation: Debian's python3-onnx, run
 * by /usr/bin/python3 in a child process. Skipped, with the reason in the test name, where that module
 * is not installed (apt-get install -y python3-onnx).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randn, tensor } from '../../src/creation.js';
import type { Tensor } from '../../src/tensor.js';
import * as nn from '../../src/nn/index.js';
import { Inception1d } from '../../src/models/inception1d.js';
import { manualSeed } from '../../src/util/generator.js';
import { exportModel } from '../../src/onnx/export.js';

const PYTHON = '/usr/bin/python3';

/** Why the checker cannot run here, or null when it can. */
function unavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'python3-onnx is not installed (apt-get install -y python3-onnx)';
}

/** check_model(full_check) on each file, then what the reference decoder reads back, as JSON. */
const SCRIPT = `
import json, sys, onnx
out = []
for path in sys.argv[1:]:
    onnx.checker.check_model(path, full_check=True)
    m = onnx.load(path)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    out.append({
        'ir_version': m.ir_version,
        'producer_name': m.producer_name,
        'opset': [[o.domain, o.version] for o in m.opset_import],
        'ops': [n.op_type for n in m.graph.node],
        'initializers': [t.name for t in m.graph.initializer],
        'inputs': [[v.name, dims(v)] for v in m.graph.input],
        'outputs': [[v.name, dims(v)] for v in m.graph.output],
    })
print(json.dumps(out))
`;

const reason = unavailable();

describe('onnx.checker', () => {
  it.skipIf(reason !== null)(`check_model(full_check=True) accepts the exports${reason ? ` (skipped: ${reason})` : ''}`, () => {
    manualSeed(1);
    const dir = mkdtempSync(join(tmpdir(), 'nodetorch-onnx-check-'));
    try {
      const model = new Inception1d(2);
      const paths = [join(dir, 'inception.onnx'), join(dir, 'layers.onnx'), join(dir, 'opset13.onnx'), join(dir, 'loss.onnx'), join(dir, 'image.onnx'), join(dir, 'sequence.onnx')];
      exportModel(model, randn([2, 1, 64]), paths[0], {
        inputNames: ['signal'], outputNames: ['logits'], dynamicAxes: { signal: { 0: 'batch' }, logits: { 0: 'batch' } },
      });
      const layers = new nn.Sequential(
        new nn.Conv1d(2, 4, 4, { padding: 'same' }), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.AvgPool1d(2),
        new nn.GELU({ approximate: 'tanh' }), new nn.AdaptiveMaxPool1d(1), new nn.Flatten(), new nn.Linear(4, 3), new nn.Softmax(-1),
      );
      exportModel(layers, randn([3, 2, 10]), paths[1], { dynamicAxes: { input: { 0: 'n' } } });
      exportModel(new nn.Sequential(new nn.Linear(3, 3), new nn.Tanh()), randn([1, 3]), paths[2], { opsetVersion: 13 });
      const labels = tensor([0, 2], { dtype: 'int64' });
      exportModel(new nn.CrossEntropyLoss({ weight: tensor([1, 2, 3], { dtype: 'float32' }) }), [randn([2, 3]), labels], paths[3], {
        inputNames: ['logits', 'labels'], dynamicAxes: { logits: { 0: 'n' }, labels: { 0: 'n' } },
      });

      const image = new nn.Sequential(
        new nn.Conv2d(3, 4, 4, { padding: 'same' }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2, { ceilMode: true }),
        new nn.ConvTranspose2d(4, 4, 3, { stride: 2, outputPadding: 1 }), new nn.GroupNorm(2, 4), new nn.SiLU(),
        new nn.Upsample({ size: [5, 6], mode: 'bilinear', alignCorners: true }), new nn.AdaptiveAvgPool2d([2, 4]), new nn.Flatten(), new nn.Linear(32, 2),
      );
      exportModel(image, randn([2, 3, 7, 9]), paths[4], { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } });
      /** LSTM (2 layers, bidirectional) then a transformer layer with a bool key-padding mask input. */
      class Sequence extends nn.Module<[Tensor, Tensor], Tensor> {
        lstm = new nn.LSTM(5, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
        gru = new nn.GRU(8, 4, { batchFirst: true });
        enc = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, batchFirst: true, normFirst: true, activation: 'gelu' });
        override forward(x: Tensor, pad: Tensor): Tensor {
          const [y] = this.lstm.forward(x);
          const [z] = this.gru.forward(y as Tensor);
          return this.enc.forward(z as Tensor, { srcKeyPaddingMask: pad });
        }
      }
      exportModel(new Sequence(), [randn([2, 6, 5]), tensor([[false, false, false, false, true, true], [false, false, false, false, false, false]])], paths[5], {
        inputNames: ['x', 'pad'],
      });

      const r = spawnSync(PYTHON, ['-c', SCRIPT, ...paths], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const [inc, lay, old, loss, im, sq] = JSON.parse(r.stdout);
      expect(inc.ir_version).toBe(8);
      expect(inc.producer_name).toBe('nodetorch');
      expect(inc.opset).toEqual([['', 17]]);
      expect(inc.inputs).toEqual([['signal', ['batch', 1, 64]]]);
      expect(inc.outputs).toEqual([['logits', ['batch', 2]]]);
      expect(inc.initializers).toEqual(expect.arrayContaining(['stem.0.weight', 'stem.1.running_var', 'head.3.bias']));
      expect(inc.ops.filter((o: string) => o === 'Concat')).toHaveLength(2);
      expect(lay.ops).toEqual(['Pad', 'Conv', 'BatchNormalization', 'Relu', 'AveragePool', 'Mul', 'Mul', 'Mul', 'Add', 'Mul', 'Tanh', 'Add', 'Mul', 'Mul', 'GlobalMaxPool', 'Reshape', 'Gemm', 'Softmax']);
      expect(lay.outputs).toEqual([['output', ['output_dynamic_axes_0', 3]]]);
      expect(old.ir_version).toBe(7);
      expect(old.opset).toEqual([['', 13]]);
      expect(loss.ops).toEqual(['LogSoftmax', 'NegativeLogLikelihoodLoss']);
      expect(loss.inputs).toEqual([['logits', ['n', 3]], ['labels', ['n']]]);
      expect(loss.outputs).toEqual([['output', []]]);
      expect(im.ops).toEqual(expect.arrayContaining(['Pad', 'Conv', 'BatchNormalization', 'MaxPool', 'ConvTranspose', 'Resize', 'Slice', 'ReduceMean', 'Gemm']));
      expect(im.outputs).toEqual([['output', ['batch', 2]]]);
      expect(sq.ops).toEqual(expect.arrayContaining(['LSTM', 'GRU', 'Where', 'LayerNormalization', 'Softmax', 'Erf']));
      expect(sq.ops.filter((o: string) => o === 'LSTM')).toHaveLength(4);
      expect(sq.inputs).toEqual([['x', [2, 6, 5]], ['pad', [2, 6]]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
