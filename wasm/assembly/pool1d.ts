/*
 * Shared by max-pool1d-forward.ts and max-pool1d-backward.ts: which windows of a row lie fully inside the
 * input, and reading / writing one window offset in either index type. A row has l inputs and lOut
 * windows; window o covers o * stride - padding + j * dilation for j < k.
 */

/** First window of a row lying fully inside the input (windows before it touch the left padding). */
export function interiorLo(stride: i32, padding: i32, lOut: i32): i32 {
  return min(lOut, (padding + stride - 1) / stride);
}

/** One past the last window of a row lying fully inside the input (never below interiorLo). */
export function interiorHi(l: i32, k: i32, stride: i32, padding: i32, dilation: i32, lOut: i32): i32 {
  const lo = interiorLo(stride, padding, lOut);
  const last = l - 1 - (k - 1) * dilation + padding; // the last window start that fits, times stride
  return last < 0 ? lo : max(lo, min(lOut, last / stride + 1));
}

/** The offset stored for window o of a row of offsets at ir: I = u8 (Uint8Array) or i32 (Int32Array). */
// @ts-ignore: decorator
@inline export function idxLoad<I>(ir: usize, o: i32): i32 {
  return <i32>load<I>(ir + (<usize>o * sizeof<I>()));
}

/** Store offset j for window o of a row of offsets at ir. */
// @ts-ignore: decorator
@inline export function idxStore<I>(ir: usize, o: i32, j: i32): void {
  store<I>(ir + (<usize>o * sizeof<I>()), <I>j);
}
