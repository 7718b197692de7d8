/** Reference embeddingBackward: the former loop of src/ops/embedding.ts, one float64 sum per element in index order. */
import type { EmbeddingBackwardParams } from '../backend.js';

/** gw (num, dim) = the gy rows (n, dim) summed into rows idx (n) in float64 (see the Backend contract). */
export function embeddingBackward(idx: Uint8Array | Int32Array, gy: Float32Array, gw: Float32Array, p: EmbeddingBackwardParams): void {
  const { n, num, dim, paddingIdx, scaleGradByFreq } = p;
  const acc = new Float64Array(num * dim);
  let count: Float64Array | null = null;
  if (scaleGradByFreq) {
    count = new Float64Array(num);
    for (let i = 0; i < n; i++) count[idx[i]!]++;
  }
  for (let i = 0; i < n; i++) {
    const row = idx[i]!;
    if (row === paddingIdx) continue;
    const s = count ? 1 / count[row]! : 1;
    const o = row * dim;
    for (let j = 0; j < dim; j++) acc[o + j] += gy[i * dim + j]! * s;
  }
  gw.set(acc);
}
