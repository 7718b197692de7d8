# The native addon build/Release/nodetorch.node (node-gyp; native/CMakeLists.txt is the same build
# for cmake-js). Never tuned to the build host's CPU: the hot kernels (native/kernels/*.cc) are compiled once per ISA
# into a static library, each build inside its own C++ namespace (NT_ISA_NS), and addon.cc picks one
# at load time with __builtin_cpu_supports. x86: baseline, AVX2 + FMA, and AVX-512 when the compiler
# can target it (scripts/probe-avx512.cjs; otherwise skipped with a note). Other CPUs: baseline only.
{
  'variables': {
    # Every native/kernels/*.cc (a new kernel file needs no edit here).
    'nt_kernel_sources': [ '<!@(node scripts/kernel-sources.cjs)' ],
    # 'true' if the compiler can build the AVX-512 library for this x86 target (the probe prints why not).
    'nt_avx512': '<!(node scripts/probe-avx512.cjs <(target_arch))',
  },
  'target_defaults': {
    # Static libraries need -fPIC to link into the addon; C++ exceptions carry JS errors (common.h).
    # -fno-trapping-math: nothing reads floating-point exception flags, so the compiler may evaluate
    # both sides of a float compare-and-select and vectorise it (max-pool, relu); results are unchanged
    # (no reassociation, NaN and signed zeros kept, unlike -ffast-math).
    'cflags': [ '-O3', '-fPIC', '-fvisibility=hidden', '-fno-trapping-math' ],
    'cflags!': [ '-fno-exceptions' ],
    'cflags_cc!': [ '-fno-exceptions' ],
    'defines': [ 'NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS' ],
    'include_dirs': [ "<!(node -p \"require('node-addon-api').include_dir\")" ],
    'xcode_settings': {
      'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
      'GCC_OPTIMIZATION_LEVEL': '3',
      'OTHER_CPLUSPLUSFLAGS': [ '-fno-trapping-math' ],
      'CLANG_CXX_LIBRARY': 'libc++',
      'MACOSX_DEPLOYMENT_TARGET': '10.15',
    },
  },
  'targets': [
    {
      # Generic flags of the target (x86-64: SSE2; arm64: NEON).
      'target_name': 'nt_kernels_baseline',
      'type': 'static_library',
      'sources': [ '<@(nt_kernel_sources)' ],
      'defines': [ 'NT_ISA_NS=nt_baseline' ],
    },
    {
      'target_name': 'nodetorch',
      'sources': [ 'native/addon.cc', 'native/threadpool.cc', 'native/malloc-tuning.cc' ],
      'dependencies': [ 'nt_kernels_baseline' ],
      'conditions': [
        [ 'target_arch=="x64" or target_arch=="ia32"', {
          'dependencies': [ 'nt_kernels_avx2' ],
          'defines': [ 'NT_HAVE_AVX2' ],
        } ],
        [ '(target_arch=="x64" or target_arch=="ia32") and nt_avx512=="true"', {
          'dependencies': [ 'nt_kernels_avx512' ],
          'defines': [ 'NT_HAVE_AVX512' ],
        } ],
      ],
    },
  ],
  'conditions': [
    [ 'target_arch=="x64" or target_arch=="ia32"', {
      'targets': [
        {
          # AVX2 + FMA (x86-64-v3 vector units). native/kernels/isa.h #errors without these flags.
          'target_name': 'nt_kernels_avx2',
          'type': 'static_library',
          'sources': [ '<@(nt_kernel_sources)' ],
          'defines': [ 'NT_ISA_NS=nt_avx2', 'NT_ISA_AVX2' ],
          'cflags': [ '-mavx2', '-mfma' ],
          'xcode_settings': { 'OTHER_CFLAGS': [ '-mavx2', '-mfma' ] },
        },
      ],
    } ],
    [ '(target_arch=="x64" or target_arch=="ia32") and nt_avx512=="true"', {
      'targets': [
        {
          # AVX-512 F/BW/VL/DQ (x86-64-v4 vector units). native/kernels/isa.h #errors without these flags.
          'target_name': 'nt_kernels_avx512',
          'type': 'static_library',
          'sources': [ '<@(nt_kernel_sources)' ],
          'defines': [ 'NT_ISA_NS=nt_avx512', 'NT_ISA_AVX512' ],
          'cflags': [ '-mavx512f', '-mavx512bw', '-mavx512vl', '-mavx512dq', '-mavx2', '-mfma' ],
          'xcode_settings': { 'OTHER_CFLAGS': [ '-mavx512f', '-mavx512bw', '-mavx512vl', '-mavx512dq', '-mavx2', '-mfma' ] },
        },
      ],
    } ],
  ],
}
