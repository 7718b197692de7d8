/**
 * A second traced forward with every dynamic input axis one longer: which dims of each reshape's input
 * and output change with the dynamic axes. A reshape traced once only knows the sample's sizes, and where
 * a dynamic axis is folded into another dim (attention's (L, N, E) -> (L, N * heads, E / heads)) the
 * sizes alone cannot tell which output dim carries it; two traces can.
 */
import { Tensor, storageFor } from '../tensor.js';

/** What a reshape saw in the probe forward. */
export interface ProbeShapes {
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
}

/** The recorded ops of one traced forward, in record order (a Map keeps insertion order). */
export type TraceLog = ReadonlyMap<Tensor, { readonly name: string; readonly inputs: readonly (Tensor | null)[] }>;

/** `sample` with each axis in `axes` one longer, its values repeated cyclically (valid indices stay valid). */
export function grown(sample: Tensor, axes: ReadonlySet<number>): Tensor {
  const shape = sample.shape.map((s, a) => (axes.has(a) ? s + 1 : s));
  const n = shape.reduce((p, s) => p * s, 1);
  const data = storageFor(sample.dtype, n);
  const src = sample.data;
  for (let i = 0; i < n; i++) data[i] = src.length > 0 ? src[i % src.length] : 0;
  return new Tensor(data, shape, sample.dtype);
}

/**
 * Pair the reshapes of two traces of the same forward by record order. Empty when the two recorded
 * different op sequences (data-dependent control flow): the exporter then falls back to one trace.
 */
export function pairReshapes(first: TraceLog, second: TraceLog, name = 'ViewBackward0'): Map<Tensor, ProbeShapes> {
  const out = new Map<Tensor, ProbeShapes>();
  const a = [...first];
  const b = [...second];
  if (a.length !== b.length || a.some(([, op], i) => op.name !== b[i][1].name)) return out;
  a.forEach(([t, op], i) => {
    const [t2, op2] = b[i];
    const x2 = op2.inputs[0];
    if (op.name === name && x2) out.set(t, { inShape: x2.shape, outShape: t2.shape });
  });
  return out;
}
