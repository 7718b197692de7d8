// Loads one nodetorch.node in this (fresh) process and prints its info() as JSON: { isa, built, threads,
// mallocTuned, kernels: [names] }. On failure prints the reason on stderr and exits 1. Run in a child
// process so a binary that cannot load here (wrong glibc, libstdc++, CPU or platform) or even crashes
// cannot take the caller down: the install script uses it to decide whether a prebuilt binary works
// (scripts/install-native.js), `npm run prebuild` to check what it built (scripts/prebuild.js).
//
//   node scripts/probe-addon.cjs <file.node> [--glibc]
//
// --glibc: refuse on Linux when the C library is not glibc (a glibc prebuild on musl may load and then
// misbehave, since musl's loader ignores symbol versions), as src/backend/native.ts does.
const { resolve } = require('node:path');

function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: probe-addon.cjs <file.node> [--glibc]');
  if (process.argv.includes('--glibc') && process.platform === 'linux' && !process.report.getReport().header.glibcVersionRuntime) {
    throw new Error('it is built for glibc and this C library is not glibc');
  }
  const addon = require(resolve(file));
  if (typeof addon.info !== 'function' || typeof addon.kernels !== 'object') throw new Error('not a nodetorch addon');
  process.stdout.write(JSON.stringify({ ...addon.info(), kernels: Object.keys(addon.kernels).sort() }));
}

try {
  main();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exit(1);
}
