/*
 * The wasm backend's relu kernels in TypeScript (the naive spec is src/backend/ref/relu.ts). Both directions are branch-free (a sign-dependent branch mispredicts on real
 * data): a float comparison becomes a 0/1 integer, minus 1 an all-zeros/all-ones mask over the float's
 * bits. Unrolled by 4, which V8 runs markedly faster here. Elementwise, so an output may be its input
 * array itself (in place).
 */

/** The same bytes as an Int32Array (for bit-level selects). */
function int32View(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** y = x where !(x < 0) (so NaN of either sign and -0 pass through), else +0. */
export function reluForward(x: Float32Array, y: Float32Array): void {
  const n = x.length;
  const xb = int32View(x);
  const yb = int32View(y);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    yb[i] = xb[i] & (+(x[i] < 0) - 1);
    yb[i + 1] = xb[i + 1] & (+(x[i + 1] < 0) - 1);
    yb[i + 2] = xb[i + 2] & (+(x[i + 2] < 0) - 1);
    yb[i + 3] = xb[i + 3] & (+(x[i + 3] < 0) - 1);
  }
  for (; i < n; i++) yb[i] = xb[i] & (+(x[i] < 0) - 1);
}

/** gx = gy where the relu output y is > 0 or NaN, else +0 (PyTorch's threshold_backward: `y <= 0 ? 0 : gy`). */
export function reluBackward(y: Float32Array, gy: Float32Array, gx: Float32Array): void {
  const n = y.length;
  const gb = int32View(gy);
  const ob = int32View(gx);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    ob[i] = gb[i] & (+(y[i] <= 0) - 1);
    ob[i + 1] = gb[i + 1] & (+(y[i + 1] <= 0) - 1);
    ob[i + 2] = gb[i + 2] & (+(y[i + 2] <= 0) - 1);
    ob[i + 3] = gb[i + 3] & (+(y[i + 3] <= 0) - 1);
  }
  for (; i < n; i++) ob[i] = gb[i] & (+(y[i] <= 0) - 1);
}
