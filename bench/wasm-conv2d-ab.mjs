/**
 * In-module A/B of the wasm conv2d kernels between builds of wasm/build/nodetorch.wasm, as
 * bench/wasm-kernels-ab.mjs does for conv1d: no staging (the arrays are laid out once in each instance's
 * memory and each kernel is called on them directly), the builds' calls alternating so that load from other
 * jobs falls on all of them alike. Prints the minimum ms per call and GFLOP/s per kernel at bench/conv2d.ts's
 * shapes (batch 32, 3x3, padding 1).
 *
 *   node bench/wasm-conv2d-ab.mjs old.wasm new.wasm [...]
 *   env: K=conv2dForward,conv2dBackwardInput,conv2dBackwardWeight (kernels), R=7 (rounds), REP=5 (calls timed
 *   together), RELU=0 (1: conv2dForward with its fused relu), CPU=0 (1: process CPU time instead of wall time,
 *   steadier on a shared machine; then use REP=20 or more)
 */
import fs from 'fs';
const files = process.argv.slice(2);
const inst = files.map((f) => new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(f)), { env: { abort() { throw new Error('abort'); } } }).exports);
// [n, cIn, cOut, hw]: the CNN example's two convs, then bench/conv2d.ts's others
const shapes = [[32, 1, 16, 28], [32, 16, 32, 14], [32, 3, 16, 32], [32, 16, 32, 16], [32, 64, 64, 8]];
const kernels = (process.env.K ?? 'conv2dForward,conv2dBackwardInput,conv2dBackwardWeight').split(',');
const rounds = Number(process.env.R ?? 7);
const REP = Number(process.env.REP ?? 5);
const RELU = Number(process.env.RELU ?? 0);
const now = process.env.CPU === '1' ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
for (const kname of kernels) for (const [n, cIn, cOut, hw] of shapes) {
  const params = [n, cIn, cOut, hw, hw, 3, 3, 1, 1, 1, 1, 1, 1, 1, hw, hw];
  const xLen = n * cIn * hw * hw, yLen = n * cOut * hw * hw, wLen = cOut * cIn * 9;
  const best = files.map(() => 1e9);
  const calls = [];
  for (const ex of inst) {
    const ws = ex[kname + 'Workspace'](...params);
    const base = Math.ceil(ex.__heapBase() / 16) * 16;
    const sizes = kname === 'conv2dForward' ? [xLen, wLen, cOut, yLen, ws]
      : kname === 'conv2dBackwardInput' ? [yLen, wLen, xLen, ws]
      : [xLen, yLen, wLen, cOut, ws];
    let at = base; const ptrs = [];
    for (const z of sizes) { ptrs.push(at); at += Math.ceil(z * 4 / 16) * 16; }
    const need = at + 65536 - ex.memory.buffer.byteLength; if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
    const f = new Float32Array(ex.memory.buffer); for (let i = base / 4; i < at / 4; i++) f[i] = Math.sin(i);
    const fn = ex[kname];
    calls.push(() => fn(...ptrs, ...params, kname === 'conv2dForward' ? RELU : 0));
  }
  for (const c of calls) for (let i = 0; i < 3; i++) c();
  for (let r = 0; r < rounds; r++) calls.forEach((c, i) => { const t0 = now(); for (let j = 0; j < REP; j++) c(); best[i] = Math.min(best[i], (now() - t0) / REP); });
  const fl = 2 * n * cOut * hw * hw * cIn * 9;
  console.log(kname.padEnd(22), `${cIn}->${cOut} ${hw}x${hw}`.padEnd(14), best.map((b) => `${b.toFixed(3)} ms (${(fl / b / 1e6).toFixed(1)})`).join('  '));
}
