#!/usr/bin/env node
// `npm run test:asan`: the native addon built with AddressSanitizer + UndefinedBehaviorSanitizer, under the
// kernel suites.
//
//   1. cmake-js builds native/CMakeLists.txt with NT_SANITIZE=address,undefined into build/asan/
//      (build/asan/nodetorch.node; build/Release/nodetorch.node is never touched). Node's headers come from
//      the first of: npm_config_nodedir, the prefix of this Node (official builds and distribution packages
//      install include/node/ beside bin/), node-gyp's header cache for this version; with none of them,
//      cmake-js downloads them.
//   2. vitest runs the suites below on the native backend with that addon (NODETORCH_NATIVE_PATH), libasan
//      preloaded into node (the sanitizer runtime must come first), leak detection off (V8 and Node keep
//      memory at exit by design) and every UBSan report fatal. Any report fails the run.
//
//   npm run test:asan                          # build, then every suite below
//   npm run test:asan -- --quick               # build, then the subset CI runs
//   npm run test:asan -- test/ops/foo.test.ts  # build, then the given test files (vitest options pass through)
//   NODETORCH_ASAN_SKIP_BUILD=1 npm run test:asan   # reuse build/asan/nodetorch.node
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'build', 'asan');
const ADDON = join(OUT, 'nodetorch.node');
const require = createRequire(import.meta.url);

/** Every test file under dir (relative to the root), recursively. */
function testFiles(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(`${dir}/${e.name}`) : e.name.endsWith('.test.ts') ? [`${dir}/${e.name}`] : []);
}

/** The kernel suites: conformance against ref, the addon's argument validation, the file fuzzers (`--quick` runs these). */
const KERNEL_SUITES = ['test/backend/conformance.test.ts', 'test/backend/native-validation.test.ts', 'test/io/fuzz.test.ts'];

/** The kernel suites plus every property-based or fuzz test there is (a file or folder named for it, e.g. test/property/). */
function fullSuites() {
  return [...KERNEL_SUITES, ...testFiles('test').filter((f) => /propert|fuzz/i.test(f) && !KERNEL_SUITES.includes(f))];
}

function fail(message) {
  console.error(`test:asan: ${message}`);
  process.exit(1);
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: 'inherit' });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

/** A Node prefix whose include/node/ has the headers (cmake-js then needs no download), or undefined. */
function nodeHeadersDir() {
  const version = process.versions.node;
  const candidates = [
    process.env.npm_config_nodedir,
    dirname(dirname(process.execPath)),
    join(homedir(), '.cache', 'node-gyp', version),
    process.env.npm_config_devdir && join(process.env.npm_config_devdir, version),
  ];
  return candidates.find((d) => d && existsSync(join(d, 'include', 'node', 'node_api.h')) && existsSync(join(d, 'include', 'node', 'node.h')));
}

function build() {
  const pkg = require.resolve('cmake-js/package.json');
  const bin = join(dirname(pkg), require(pkg).bin['cmake-js']);
  const nodedir = nodeHeadersDir();
  if (!nodedir) console.warn('test:asan: no local Node headers found; cmake-js will download them');
  const env = { ...process.env, ...(nodedir ? { npm_config_nodedir: nodedir } : {}) };
  const args = [
    bin, 'build', '--directory', join(ROOT, 'native'), '--out', join(OUT, 'cmake'), '--parallel', '2',
    '--CDNT_SANITIZE=address,undefined', `--CDNT_OUTPUT_DIR=${OUT}`,
  ];
  if (run(process.execPath, args, env) !== 0) fail('the sanitizer build failed');
  if (!existsSync(ADDON)) fail(`the build did not write ${ADDON}`);
}

/** The ASan runtime of the compiler that built the addon (it must be preloaded into node). */
function libasan() {
  const cxx = process.env.CXX || 'g++';
  const r = spawnSync(cxx, ['-print-file-name=libasan.so'], { encoding: 'utf8' });
  const file = r.stdout?.trim();
  if (r.status !== 0 || !file || !existsSync(file)) fail(`${cxx} -print-file-name=libasan.so found no libasan (install the compiler's sanitizer runtime)`);
  return file;
}

// Test files and vitest options (e.g. --reporter=json) pass through; --quick picks the kernel suites.
const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('-') && a !== '--quick');
const files = args.includes('--quick') ? KERNEL_SUITES : args.filter((a) => !a.startsWith('-'));
const suites = files.length > 0 ? files : fullSuites();

if (!process.env.NODETORCH_ASAN_SKIP_BUILD) build();
const env = {
  ...process.env,
  LD_PRELOAD: libasan(),
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0:halt_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  NODETORCH_BACKEND: 'native',
  NODETORCH_NATIVE_PATH: ADDON,
};
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
console.log(`test:asan: ${suites.join(' ')} on ${ADDON}`);
process.exit(run(process.execPath, [vitest, 'run', ...options, ...suites], env));
