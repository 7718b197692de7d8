/**
 * In-module A/B of the wasm conv1d kernels between builds of wasm/build/nodetorch.wasm (no staging: the
 * arrays are laid out once in each instance's memory, as the adapter would, and each kernel is called on
 * them directly). The builds' calls alternate, so load from other jobs falls on all of them alike; prints
 * the minimum ms per call and GFLOP/s for each kernel at the reference model's batch-32 conv shapes.
 *
 *   node bench/wasm-kernels-ab.mjs old.wasm new.wasm [...]
 *   env: K=conv1dForward,conv1dBackwardInput,conv1dBackwardWeight (kernels), R=7 (rounds), REP=5 (calls timed
 *   together), RELU=0 (1: conv1dForward with its fused relu, as the model calls it)
 *
 * Keep a copy of the old build first (cp wasm/build/nodetorch.wasm /tmp/old.wasm), then rebuild.
 */
import fs from 'fs';
const files = process.argv.slice(2);
const inst = files.map((f) => new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(f)), { env: { abort() { throw new Error('abort'); } } }).exports);
const shapes = [
  [32, 1, 32, 1200, 7, 2, 3], [32, 32, 16, 300, 1, 1, 0], [32, 16, 24, 300, 3, 1, 1], [32, 8, 12, 300, 5, 1, 2], [32, 64, 16, 150, 1, 1, 0], [32, 32, 8, 300, 1, 1, 0],
];
const kernels = (process.env.K ?? 'conv1dForward,conv1dBackwardInput,conv1dBackwardWeight').split(',');
const rounds = Number(process.env.R ?? 7);
const REP = Number(process.env.REP ?? 5);
const RELU = Number(process.env.RELU ?? 0); // conv1dForward's fused relu flag
for (const kname of kernels) for (const [n, cIn, cOut, l, k, s, p] of shapes) {
  const lOut = Math.floor((l + 2 * p - k) / s) + 1;
  const params = [n, cIn, cOut, l, k, s, p, 1, 1, lOut];
  const best = files.map(() => 1e9);
  const calls = [];
  for (const ex of inst) {
    const ws = ex[kname + 'Workspace'](...params);
    const base = Math.ceil(ex.__heapBase() / 16) * 16;
    const sizes = kname === 'conv1dForward' ? [n * cIn * l, cOut * cIn * k, cOut, n * cOut * lOut, ws]
      : kname === 'conv1dBackwardInput' ? [n * cOut * lOut, cOut * cIn * k, n * cIn * l, ws]
      : [n * cIn * l, n * cOut * lOut, cOut * cIn * k, cOut, ws];
    let at = base; const ptrs = [];
    for (const z of sizes) { ptrs.push(at); at += Math.ceil(z * 4 / 16) * 16; }
    const need = at + 65536 - ex.memory.buffer.byteLength; if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
    const f = new Float32Array(ex.memory.buffer); for (let i = base / 4; i < at / 4; i++) f[i] = Math.sin(i) ;
    const fn = ex[kname];
    // Builds since the accumulate argument take acc (0: none) before the workspace.
    if (kname === 'conv1dBackwardInput' && fn.length === ptrs.length + 1 + params.length + 1) ptrs.splice(ptrs.length - 1, 0, 0);
    calls.push(() => fn(...ptrs, ...params, kname === 'conv1dForward' ? RELU : 0));
  }
  for (const c of calls) for (let i = 0; i < 5; i++) c();
  for (let r = 0; r < rounds; r++) calls.forEach((c, i) => { const t0 = performance.now(); for (let j = 0; j < REP; j++) c(); best[i] = Math.min(best[i], (performance.now() - t0) / REP); });
  const fl = 2 * n * cOut * lOut * cIn * k;
  console.log(kname.padEnd(22), `${cIn}->${cOut} k${k} s${s} L${l}`.padEnd(22), best.map((b) => `${b.toFixed(3)} ms (${(fl / b / 1e6).toFixed(1)})`).join('  '));
}
