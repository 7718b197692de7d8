#!/usr/bin/env node
// `npm install` hook. The native addon, in order:
//   1. the prebuilt binary the package ships for this platform and CPU architecture
//      (prebuilds/<platform>-<arch>/nodetorch.node, made by `npm run prebuild` at pack time): if it loads
//      here (checked in a child process: right glibc and libstdc++, right CPU), nothing is compiled;
//   2. else compile it with npm's bundled node-gyp (build/Release/nodetorch.node);
//   3. if that fails too (no C++ compiler, no Python, unsupported platform) the install still succeeds and
//      the WebAssembly backend serves; one line says so.
// NODETORCH_SKIP_NATIVE=1 skips step 2. src/backend/native.ts loads in the same order at run time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WASM_LINE =
  'nodetorch: the native addon was not built; the WebAssembly backend will be used ' +
  '(install python3, make and a C++ compiler, then run `npm rebuild nodetorch` or `npm run build:native`).';

const reasons = [];

function fallback(why) {
  reasons.push(why);
  // stderr, so npm shows it even for a succeeding install script
  console.warn(`${WASM_LINE} Reason: ${reasons.join(' ')}`);
  process.exit(0);
}

const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** Why the shipped prebuilt binary cannot serve here, or '' if it loads. */
function prebuiltProblem() {
  const file = `prebuilds/${process.platform}-${process.arch}/nodetorch.node`;
  if (!existsSync(root(file))) return `No prebuilt binary for ${process.platform}-${process.arch}.`;
  const r = spawnSync(process.execPath, [root('scripts/probe-addon.cjs'), root(file), '--glibc'], { encoding: 'utf8' });
  if (r.status === 0) return '';
  const why = (r.stderr || '').trim().split('\n')[0] || `the probe exited with ${r.status ?? r.signal}`;
  return `The prebuilt binary ${file} does not load here: ${why}.`;
}

const problem = prebuiltProblem();
if (problem === '') process.exit(0);
reasons.push(problem);
if (!problem.startsWith('No prebuilt')) console.warn(`nodetorch: ${problem} Compiling the addon instead.`);

if (process.env.NODETORCH_SKIP_NATIVE) fallback('NODETORCH_SKIP_NATIVE is set.');
if (!existsSync(root('binding.gyp'))) fallback('binding.gyp is missing.');

// npm exports the path of its bundled node-gyp to lifecycle scripts; outside npm, use PATH.
const gyp = process.env.npm_config_node_gyp;
const cmd = gyp ? process.execPath : 'node-gyp';
const args = gyp ? [gyp, 'rebuild'] : ['rebuild'];
const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root('') });
if (r.error) fallback(r.error.message);
if (r.status !== 0) fallback(`node-gyp rebuild exited with ${r.status ?? r.signal}.`);
