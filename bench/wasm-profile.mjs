/**
 * Where a wasm train step's time goes, from a `node --cpu-prof` profile: self time by category (conv / GEMM
 * kernels in the module, memory-bound kernels in the module, staging copies, adapter glue, TypeScript ops,
 * GC), idle time and Node's own start-up left out, plus the top functions. V8 names wasm functions only by
 * index (`wasm-function[i]`): the names come from the `.wat` that `npm run build:wasm` writes beside the
 * module (the i-th `(func` of the module without imports), so pass the .wat of the same build.
 *
 *   BE=wasm B=32 S=150 node --cpu-prof --cpu-prof-dir=/tmp/p --import tsx <a step script>
 *   node bench/wasm-profile.mjs wasm/build/nodetorch.wat /tmp/p/<largest>.cpuprofile
 */
import fs from 'fs';
const [wat, ...files] = process.argv.slice(2);
const names = [...fs.readFileSync(wat, 'utf8').matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1]);
const cat = (fn, url) => {
  const w = /^wasm-function\[(\d+)\]$/.exec(fn);
  if (w) {
    const n = names[Number(w[1])] ?? fn;
    if (/relu|max-pool|batch-norm|add\/add|sgd|bias-grad/.test(n)) return ['memory-bound kernels (in module)', n];
    return ['conv / GEMM kernels (in module)', n];
  }
  if (fn === 'copyIn' || fn === 'copyOut') return ['staging copies (copyIn / copyOut)', fn];
  if (fn === '(garbage collector)') return ['GC', fn];
  if (fn === '(idle)' || fn === '(program)' || fn === '(root)') return ['idle / program', fn];
  if (url.includes('backend/wasm.ts') || url.includes('backend/manifest.ts')) return ['adapter glue (wasm.ts, manifest)', fn];
  if (url.includes('/src/')) return ['TypeScript ops, autograd, optimizer', fn];
  return ['other (node, tsx)', fn];
};
for (const f of files) {
  const p = JSON.parse(fs.readFileSync(f));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const t = new Map(); const fnT = new Map(); let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]); const dt = p.timeDeltas[i] ?? 0;
    const [c, fn] = cat(n.callFrame.functionName, n.callFrame.url);
    if (c === 'idle / program' || c === 'other (node, tsx)') continue;
    t.set(c, (t.get(c) ?? 0) + dt); fnT.set(fn, (fnT.get(fn) ?? 0) + dt); total += dt;
  }
  console.log(f, `(${(total / 1000).toFixed(0)} ms sampled, idle/program/node excluded)`);
  for (const [c, v] of [...t].sort((a, b) => b[1] - a[1])) console.log('  ' + (100 * v / total).toFixed(1).padStart(5) + '%  ' + c);
  console.log('  top:', [...fnT].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${k.replace('wasm/assembly/', '')} ${(100 * v / total).toFixed(1)}%`).join(', '));
}
