/**
 * A model summary in torchinfo's layout: each module call in execution order with its depth, output
 * shape and own parameter count, then the totals. Runs one forward pass on zeros of the given input
 * shape in eval mode without autograd (the model's mode is restored).
 *
 * @example console.log(utils.summary(new models.Inception1d(), [1, 1, 1200]).toString());
 */
import { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { AnyModule } from './module.js';
import type { RemovableHandle } from '../util/hooks.js';
import { describeValue } from '../util/describe.js';

/** One module call in a summary. */
export interface SummaryRow {
  /** Dotted name in the model ('' for the model itself). */
  name: string;
  type: string;
  depth: number;
  /** torchinfo's depth-index label, e.g. '2-3'. */
  index: string;
  outputShape: number[] | null;
  /** Parameters of this module itself (not its children); null for a module with children. */
  params: number | null;
}

/** What `utils.summary` returns: the rows, the totals, and the table as text. */
export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
/** The table in torchinfo's layout. */
  toString(): string;
}

function shapeOf(out: unknown): number[] | null {
  if (out instanceof Tensor) return [...out.shape];
  if (Array.isArray(out) && out[0] instanceof Tensor) return [...out[0].shape];
  return null;
}

function format(rows: SummaryRow[], total: number, trainable: number): string {
  const line = '='.repeat(90);
  const fmt = (n: number) => n.toLocaleString('en-US');
  const out = [line, `${'Layer (type:depth-idx)'.padEnd(41)}${'Output Shape'.padEnd(26)}Param #`, line];
  for (const r of rows) {
    const prefix = r.depth === 0 ? '' : `${'│    '.repeat(r.depth - 1)}└─`;
    const label = `${prefix}${r.type}${r.depth === 0 ? '' : `: ${r.index}`}`;
    const shape = r.outputShape ? `[${r.outputShape.join(', ')}]` : '--';
    out.push(`${label.padEnd(41)}${shape.padEnd(26)}${r.params === null ? '--' : fmt(r.params)}`);
  }
  out.push(line, `Total params: ${fmt(total)}`, `Trainable params: ${fmt(trainable)}`, `Non-trainable params: ${fmt(total - trainable)}`, line);
  return out.join('\n');
}

/** Summarise `model` for an input of `inputShape` (float32 zeros). */
export function summary(model: AnyModule, inputShape: readonly number[]): ModelSummary {
  if (model === null || typeof model !== 'object' || typeof (model as AnyModule).namedModules !== 'function') {
    throw new TypeError(`summary: expected a Module, got ${describeValue(model)}`);
  }
  if (!Array.isArray(inputShape) || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`summary: expected inputShape to be an array of positive integers, got ${describeValue(inputShape)}`);
  }
  const rows: SummaryRow[] = [];
  const counters: number[] = [];
  const handles: RemovableHandle[] = [];
  for (const [name, m] of model.namedModules()) {
    const depth = name === '' ? 0 : name.split('.').length;
    const own = m.parameters({ recurse: false }).reduce((a, p) => a + p.numel(), 0);
    const leaf = m.children().length === 0;
    let row: SummaryRow | null = null;
    handles.push(m.registerForwardPreHook(() => {
      counters[depth] = (counters[depth] ?? 0) + 1;
      row = { name, type: m.constructor.name, depth, index: `${depth}-${counters[depth]}`, outputShape: null, params: leaf || own > 0 ? own : null };
      rows.push(row);
    }));
    handles.push(m.registerForwardHook((_m, _a, out) => {
      if (row) row.outputShape = shapeOf(out);
    }));
  }
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => model.forward(zeros([...inputShape])));
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
  const params = model.parameters();
  const totalParams = params.reduce((a, p) => a + p.numel(), 0);
  const trainableParams = params.filter((p) => p.requiresGrad).reduce((a, p) => a + p.numel(), 0);
  return { rows, totalParams, trainableParams, toString: () => format(rows, totalParams, trainableParams) };
}
