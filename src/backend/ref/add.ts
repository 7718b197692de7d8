/** Reference add kernel: one plain loop; out may be a or b (in place). */

/** out = a + b, each sum rounded to float32. */
export function add(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
}
