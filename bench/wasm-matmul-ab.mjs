/**
 * In-module A/B of the wasm matmul and bmm kernels between builds of wasm/build/nodetorch.wasm, at the
 * transformer example step's shapes (bench/transformer-step-profile.ts: d 128, ff 256, 4 heads, seq 64,
 * batch 16), without staging: the arrays are laid out once in each instance's memory and each kernel is
 * called on them directly. The builds' calls alternate, so load from other jobs falls on all of them alike.
 * Prints the minimum process CPU ms per call (steadier than wall time on a shared machine) and GFLOP/s per shape, and the step's total (each shape times the number
 * of calls one step makes).
 *
 *   cp wasm/build/nodetorch.wasm /tmp/old.wasm; npm run build:wasm
 *   node bench/wasm-matmul-ab.mjs /tmp/old.wasm wasm/build/nodetorch.wasm    env: R=15 (rounds), REP=4
 */
import fs from 'fs';
const files = process.argv.slice(2);
const inst = files.map((f) => new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(f)), { env: { abort() { throw new Error('abort'); } } }).exports);
// [calls per step, batch (0 = matmul), m, n, k, transA, transB, beta]
const shapes = [
  [8, 0, 1024, 128, 128, 0, 1, 1], [8, 0, 1024, 128, 128, 0, 0, 0], [8, 0, 128, 128, 1024, 1, 0, 0],
  [2, 0, 1024, 256, 128, 0, 1, 1], [2, 0, 1024, 128, 256, 0, 0, 0], [2, 0, 256, 128, 1024, 1, 0, 0],
  [2, 0, 1024, 128, 256, 0, 1, 1], [2, 0, 1024, 256, 128, 0, 0, 0], [2, 0, 128, 256, 1024, 1, 0, 0],
  [1, 0, 1024, 96, 128, 0, 1, 1], [1, 0, 1024, 128, 96, 0, 0, 0], [1, 0, 96, 128, 1024, 1, 0, 0],
  [4, 64, 64, 64, 32, 0, 1, 0], [4, 64, 64, 32, 64, 0, 0, 0], [4, 64, 64, 32, 64, 1, 0, 0],
];
const rounds = Number(process.env.R ?? 15);
const REP = Number(process.env.REP ?? 4);
const totals = files.map(() => 0);
for (const [calls, batch, m, n, k, tA, tB, beta] of shapes) {
  const best = files.map(() => 1e9);
  const fns = [];
  for (const ex of inst) {
    const nb = Math.max(batch, 1);
    const ws = batch ? ex.bmmWorkspace(nb, nb, nb, m, n, k, tA, tB, 1, beta) : ex.matmulWorkspace(m, n, k, tA, tB, 1, beta);
    const base = Math.ceil(ex.__heapBase() / 16) * 16;
    let at = base; const ptrs = [];
    for (const z of [nb * m * k, nb * k * n, nb * m * n, ws]) { ptrs.push(at); at += Math.ceil(z * 4 / 16) * 16; }
    const need = at + 65536 - ex.memory.buffer.byteLength; if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
    const f = new Float32Array(ex.memory.buffer); for (let i = base / 4; i < at / 4; i++) f[i] = Math.sin(i);
    fns.push(batch ? () => ex.bmm(...ptrs, nb, nb, nb, m, n, k, tA, tB, 1, beta) : () => ex.matmul(...ptrs, m, n, k, tA, tB, 1, beta));
  }
  for (const c of fns) for (let i = 0; i < 3; i++) c();
  for (let r = 0; r < rounds; r++) fns.forEach((c, i) => { const t0 = process.cpuUsage(); for (let j = 0; j < REP; j++) c(); const t = process.cpuUsage(t0); best[i] = Math.min(best[i], (t.user + t.system) / 1000 / REP); });
  best.forEach((b, i) => { totals[i] += calls * b; });
  const fl = 2 * Math.max(batch, 1) * m * n * k;
  const name = `${batch ? `bmm ${batch}x` : 'matmul '}${m}x${n}x${k}${tA ? ' tA' : ''}${tB ? ' tB' : ''}`;
  console.log(`${calls}x`.padEnd(4), name.padEnd(30), best.map((b) => `${b.toFixed(3)} ms (${(fl / b / 1e6).toFixed(1)})`).join('  '));
}
console.log('step total ms'.padEnd(34), totals.map((t) => t.toFixed(2)).join('  '), files.length > 1 ? `ratio ${(totals[1] / totals[0]).toFixed(3)}` : '');
