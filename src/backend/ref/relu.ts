/** Reference relu kernels: one plain loop each. Elementwise, so an output may be its input array (in place). */

/** y = x where !(x < 0) (so NaN of either sign and -0 pass through), else +0. */
export function reluForward(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i]! < 0 ? 0 : x[i]!;
}

/** gx = gy where the relu output y is > 0 or NaN, else +0 (PyTorch's threshold_backward: `y <= 0 ? 0 : gy`). */
export function reluBackward(y: Float32Array, gy: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < y.length; i++) gx[i] = y[i]! <= 0 ? 0 : gy[i]!;
}
