/**
 * ONNX translation of one direction of one recurrent layer (src/ops/rnn-layer.ts) as ONNX's LSTM, GRU or
 * RNN operator. nn.LSTM / GRU / RNN run one such op per layer and direction, then narrow, select, cat
 * and stack its output, which map by their own entries; so multi-layer, bidirectional and batchFirst
 * models need nothing more here.
 *
 * The recorded op returns [Y (T, B, H); hN; cN for LSTM] stacked on dim 0; the ONNX op returns Y
 * (T, 1, B, H), Y_h and Y_c (1, B, H), concatenated the same way. Gate blocks are reordered from
 * PyTorch's layout to ONNX's: LSTM i, f, g, o -> i, o, f, c; GRU r, z, n -> z, r, h (with
 * linear_before_reset = 1, PyTorch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).
 */
import { attr, ExportError, inputOf, type MapContext, type OnnxMapping } from './builder.js';
import type { OnnxAttr } from './proto.js';

/** Per mode: the ONNX operator, and for each ONNX gate block the PyTorch block it comes from. */
const MODES: Readonly<Record<string, { opType: string; order: number[]; extra: Record<string, OnnxAttr> }>> = {
  LSTM: { opType: 'LSTM', order: [0, 3, 1, 2], extra: {} },
  GRU: { opType: 'GRU', order: [1, 0, 2], extra: { linear_before_reset: attr.int(1) } },
  RNN_TANH: { opType: 'RNN', order: [0], extra: { activations: attr.strings(['Tanh']) } },
  RNN_RELU: { opType: 'RNN', order: [0], extra: { activations: attr.strings(['Relu']) } },
};

/** The recorded op's inputs that may be omitted when they are all-zero default states (ONNX's default). */
export const ZERO_STATE_INPUTS: Readonly<Record<string, readonly number[]>> = {
  LstmLayerBackward0: [1, 2],
  GruLayerBackward0: [1],
  RnnLayerBackward0: [1],
};

/** A PyTorch (gates * H, ...) weight or bias with its gate blocks reordered, and a leading num_directions dim of 1. */
function reorder(c: MapContext, name: string, order: number[], hidden: number, rowLength: number | null): string {
  const gates = order.length;
  const blocks = c.node('Reshape', [name, c.int64s(rowLength === null ? [gates, hidden] : [gates, hidden, rowLength])]);
  const picked = order.every((g, i) => g === i) ? blocks : c.node('Gather', [blocks, c.int64s(order)], { axis: attr.int(0) });
  return c.node('Reshape', [picked, c.int64s(rowLength === null ? [1, gates * hidden] : [1, gates * hidden, rowLength])]);
}

const rnnLayer: OnnxMapping = (c) => {
  if (c.attrs.packed === true) throw new ExportError('packed sequences (variable lengths) are not exported; pad the batch and pass a Tensor');
  const spec = MODES[c.attrs.mode as string];
  if (!spec) throw new ExportError(`unknown recurrent mode '${String(c.attrs.mode)}'`);
  const x = inputOf(c, 0);
  const wih = inputOf(c, 3);
  const whh = inputOf(c, 4);
  const hidden = whh.shape[1];
  const [h0, c0, bih, bhh] = [c.inputs[1], c.inputs[2], c.inputs[5], c.inputs[6]];
  const w = reorder(c, wih.name, spec.order, hidden, wih.shape[1]);
  const r = reorder(c, whh.name, spec.order, hidden, hidden);
  const b = bih && bhh
    ? c.node('Concat', [reorder(c, bih.name, spec.order, hidden, null), reorder(c, bhh.name, spec.order, hidden, null)], { axis: attr.int(1) })
    : '';
  const state = (v: typeof h0): string => (v ? c.node('Unsqueeze', [v.name, c.int64s([0])]) : '');
  const lstm = spec.opType === 'LSTM';
  const ins = [x.name, w, r, b, '', state(h0)];
  if (lstm) ins.push(state(c0));
  while (ins[ins.length - 1] === '') ins.pop();
  const outs = c.nodeN(spec.opType, ins, {
    hidden_size: attr.int(hidden),
    direction: attr.string(c.attrs.reverse === true ? 'reverse' : 'forward'),
    ...spec.extra,
  }, lstm ? 3 : 2);
  const y = c.node('Squeeze', [outs[0], c.int64s([1])]);
  return { name: c.node('Concat', [y, ...outs.slice(1)], { axis: attr.int(0) }), dyn: [x.dyn[0], x.dyn[1], false] };
};

export const RNN_MAPPINGS: Readonly<Record<string, OnnxMapping>> = {
  LstmLayerBackward0: rnnLayer,
  GruLayerBackward0: rnnLayer,
  RnnLayerBackward0: rnnLayer,
};
