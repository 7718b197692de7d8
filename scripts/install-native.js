#!/usr/bin/env node
// `npm install` hook: build the native addon with npm's bundled node-gyp. If that fails (no C++
// compiler, no Python, unsupported platform) the install still succeeds and the WebAssembly backend
// serves; one line says so. NODETORCH_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const WASM_LINE =
  'nodetorch: the native addon was not built; the WebAssembly backend will be used ' +
  '(install python3, make and a C++ compiler, then run `npm rebuild nodetorch` or `npm run build:native`).';

function fallback(why) {
  // stderr, so npm shows it even for a succeeding install script
  console.warn(`${WASM_LINE}${why ? ` Reason: ${why}` : ''}`);
  process.exit(0);
}

if (process.env.NODETORCH_SKIP_NATIVE) fallback('NODETORCH_SKIP_NATIVE is set.');
if (!existsSync(new URL('../binding.gyp', import.meta.url))) fallback('binding.gyp is missing.');

// npm exports the path of its bundled node-gyp to lifecycle scripts; outside npm, use PATH.
const gyp = process.env.npm_config_node_gyp;
const cmd = gyp ? process.execPath : 'node-gyp';
const args = gyp ? [gyp, 'rebuild'] : ['rebuild'];
const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: new URL('..', import.meta.url) });
if (r.error) fallback(r.error.message);
if (r.status !== 0) fallback(`node-gyp rebuild exited with ${r.status ?? r.signal}.`);
