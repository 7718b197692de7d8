// Prints `true` if the C++ compiler node-gyp will use can build the AVX-512 kernel library, else `false`
// (binding.gyp: `<!(node scripts/probe-avx512.cjs <(target_arch))`; non-x86 targets print `false`). When a compiler works but cannot target AVX-512
// (too old a compiler or assembler), one line on stderr says the variant is skipped: the addon then
// has the baseline and AVX2 kernels only, and the install still succeeds. Never exits non-zero.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

// The flags of the nt_kernels_avx512 target, and what that library and addon.cc's dispatch rely on.
const FLAGS = '-mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma';
const SOURCE = `
#include <immintrin.h>
typedef float V16 __attribute__((vector_size(64)));
V16 fma16(V16 a, V16 b, float s) { return a * s + b; }
__m512 viaIntrinsic(__m512 a) { return _mm512_fmadd_ps(a, a, a); }
int cpuHas() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}
`;

function main() {
  const arch = process.argv[2] || process.arch;
  if (!['x64', 'ia32'].includes(arch) || process.platform === 'win32') return false;
  // node-gyp's Makefile compiles with $(CXX) (make's default: g++); Xcode builds use clang.
  const cxx = process.env.CXX_target || process.env.CXX || (process.platform === 'darwin' ? 'c++' : 'g++');
  const dir = mkdtempSync(join(tmpdir(), 'nodetorch-probe-'));
  try {
    const compile = (flags, source) =>
      spawnSync(`${cxx} -x c++ -std=gnu++17 -O2 ${flags} -c - -o "${join(dir, 'probe.o')}"`, {
        input: source,
        shell: true,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const r = compile(FLAGS, SOURCE);
    if (r.status === 0) return true;
    // No working compiler at all: the build itself fails and install-native.js says so.
    if (compile('', 'int f() { return 0; }\n').status !== 0) return false;
    const why = (r.stderr || String(r.error || '')).split('\n').find((l) => l.trim()) ?? 'unknown error';
    console.error(`nodetorch: ${cxx} cannot target AVX-512 (${why.trim()}); skipping the avx512 kernels ` +
      '(the addon gets the baseline and AVX2 kernels).');
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let ok = false;
try {
  ok = main();
} catch {
  ok = false;
}
console.log(ok ? 'true' : 'false');
