/**
 * The wasm backend's add kernel in TypeScript (the naive spec is src/backend/ref/add.ts): staging three
 * arrays through linear memory would cost more than the additions. Unrolled by 4, which V8 runs markedly
 * faster. out may be a or b itself: element i is read before it is written.
 */
export function add(a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    out[i] = a[i]! + b[i]!;
    out[i + 1] = a[i + 1]! + b[i + 1]!;
    out[i + 2] = a[i + 2]! + b[i + 2]!;
    out[i + 3] = a[i + 3]! + b[i + 3]!;
  }
  for (; i < n; i++) out[i] = a[i]! + b[i]!;
}
