// Per-ISA compilation support, included first by every native/kernels/*.cc.
//
// Each kernel source is compiled once per ISA library (binding.gyp / CMakeLists.txt): with
// -DNT_ISA_NS=nt_baseline (generic flags) and, on x86, with -DNT_ISA_NS=nt_avx2 -DNT_ISA_AVX2
// -mavx2 -mfma and (where the compiler can target it) -DNT_ISA_NS=nt_avx512 -DNT_ISA_AVX512
// -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma. Everything a kernel file defines, including
// inline helpers, must sit inside `namespace NT_ISA_NS` so the builds never share a symbol (an AVX2
// copy of a shared inline function could otherwise be picked by the linker for the baseline path).
// For the same reason the kernel sources avoid STL templates (std::vector, std::min, ...): only C
// library calls and code local to this namespace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#ifndef NT_ISA_NS
#error "native/kernels must be compiled with -DNT_ISA_NS=<namespace> (see binding.gyp)"
#endif
#if defined(NT_ISA_AVX2) && !(defined(__AVX2__) && defined(__FMA__))
#error "the avx2 kernel library must be compiled with -mavx2 -mfma"
#endif
#if defined(NT_ISA_AVX512) && !(defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && \
                                defined(__AVX512DQ__) && defined(__AVX2__) && defined(__FMA__))
#error "the avx512 kernel library must be compiled with -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma"
#endif

namespace NT_ISA_NS {

// SIMD vector of floats via GCC/Clang vector extensions: the compiler maps it to ymm (AVX2), xmm
// (SSE2) or NEON registers; `a * b + c` becomes an FMA where the ISA has one.
// The AVX-512 build keeps 8 lanes here (ymm, with 32 of them): 16 lanes made the direct conv kernels'
// tiles too wide for the model's shapes (weight gradients 0.6-0.7x, stem forward 0.8x, one thread,
// AMD Zen 4). The GEMM micro-kernel uses 16-lane vectors of its own (gemm.cc).
#if defined(__AVX__)
#define NT_VEC_LEN 8
#else
#define NT_VEC_LEN 4
#endif
constexpr size_t kVecLen = NT_VEC_LEN;
typedef float VecF __attribute__((vector_size(kVecLen * sizeof(float))));
// Same vector, but loadable from any 4-byte aligned address.
typedef float VecFU __attribute__((vector_size(kVecLen * sizeof(float)), aligned(4), may_alias));

static inline VecF loadu(const float* p) { return *reinterpret_cast<const VecFU*>(p); }
static inline void storeu(float* p, VecF v) { *reinterpret_cast<VecFU*>(p) = v; }
static inline VecF splat(float s) {  // spelled out: a lane loop compiles to insert chains
#if NT_VEC_LEN == 8
  return VecF{s, s, s, s, s, s, s, s};
#else
  return VecF{s, s, s, s};
#endif
}

static inline size_t minz(size_t a, size_t b) { return a < b ? a : b; }
static inline size_t roundUp(size_t a, size_t m) { return (a + m - 1) / m * m; }

// Per-thread scratch buffers (64-byte aligned, grown on demand and kept for the thread's lifetime so
// steady-state calls neither allocate nor page-fault). Returns nullptr if allocation fails. Each slot
// has one user at a time on a thread. Defined in gemm.cc.
enum ScratchSlot { kScratchPackA, kScratchPackB, kScratchCol, kScratchTail, kScratchAcc, kScratchPackW, kScratchPad, kScratchSlots };
float* scratch(ScratchSlot slot, size_t n);

}  // namespace NT_ISA_NS
