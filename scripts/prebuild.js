#!/usr/bin/env node
// `npm run prebuild` (and `npm pack` through `prepack`): builds prebuilds/<platform>-<arch>/nodetorch.node,
// the binary the package ships so a consumer needs no compiler (src/backend/native.ts prefers it).
//
// prebuildify does the build: `node-gyp rebuild` of binding.gyp (the same build as `npm run build:native`:
// baseline, AVX2 and AVX-512 kernel libraries in one binary, picked at load, never -march=native), as an
// N-API build (one binary for every Node version with N-API 8, package.json binary.napi_versions),
// stripped. The target is this Node's version, so node-gyp uses the headers the normal build uses
// (npm_config_nodedir or its cache) rather than downloading another version's.
//
// Then the binary is checked in a child process: it loads, exports kernels, and on x86-64 carries all three
// kernel variants. On Linux it must not need a newer glibc or libstdc++ than the README promises
// (MAX_SYMBOL_VERSIONS; NODETORCH_PREBUILD_ANY_GLIBC=1 lifts that for a local experiment). Finally it is
// copied back to build/Release/ (prebuildify moves it out), so the local build stays in place.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const prebuildify = createRequire(import.meta.url)('prebuildify');

/** The newest symbol versions the Linux prebuild may need (README "Install"): Debian 12 / Ubuntu 22.04 and later. */
const MAX_SYMBOL_VERSIONS = { GLIBC: '2.34', GLIBCXX: '3.4.30', CXXABI: '1.3.13' };

/** Compare dotted versions numerically. */
function versionCompare(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The newest version of each versioned library the ELF file's dynamic string table names. */
function neededSymbolVersions(file) {
  const text = readFileSync(file).toString('latin1');
  const newest = {};
  for (const [, lib, v] of text.matchAll(/\b(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+)+)\0/g)) {
    if (!newest[lib] || versionCompare(v, newest[lib]) > 0) newest[lib] = v;
  }
  return newest;
}

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

const file = root(`prebuilds/${process.platform}-${process.arch}/nodetorch.node`);

prebuildify({ cwd: root(''), napi: true, strip: true, targets: [process.versions.node] }, (err) => {
  if (err) fail(`the build failed: ${err.message}`);

  const probe = spawnSync(process.execPath, [root('scripts/probe-addon.cjs'), file], { encoding: 'utf8' });
  if (probe.status !== 0) fail(`${file} does not load: ${probe.stderr.trim()}`);
  const info = JSON.parse(probe.stdout);
  const want = ['x64', 'ia32'].includes(process.arch) ? ['avx512', 'avx2', 'baseline'] : ['baseline'];
  if (want.join() !== info.built.join()) fail(`${file} carries kernels [${info.built}], a release needs [${want}]`);

  if (process.platform === 'linux') {
    const needs = neededSymbolVersions(file);
    const over = Object.entries(needs).filter(([lib, v]) => versionCompare(v, MAX_SYMBOL_VERSIONS[lib]) > 0);
    const needText = Object.entries(needs).map(([lib, v]) => `${lib}_${v}`).join(', ');
    if (over.length > 0 && !process.env.NODETORCH_PREBUILD_ANY_GLIBC) {
      fail(`${file} needs ${needText}, newer than the README promises (${JSON.stringify(MAX_SYMBOL_VERSIONS)}); build it on an older system`);
    }
    console.log(`prebuild: needs ${needText}`);
  }

  mkdirSync(root('build/Release'), { recursive: true });
  copyFileSync(file, root('build/Release/nodetorch.node'));
  console.log(`prebuild: ${file} (kernels ${info.built.join(', ')}; loads ${info.isa} here)`);
});
