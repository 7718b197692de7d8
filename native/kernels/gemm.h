// Single-threaded packed SGEMM core used by matmul and the conv1d kernels (per ISA, see isa.h).
#pragma once

#include "isa.h"

namespace NT_ISA_NS {

/** A read-only strided matrix view: element (r, c) is p[r * rs + c * cs]. */
struct MatRef {
  const float* p;
  ptrdiff_t rs, cs;
};

/**
 * C (m, n; row stride ldc) = alpha * A (m, k) @ B (k, n) + beta * C, with beta == 0 ignoring C's old
 * contents (NaN included). C must not overlap A or B. A and B are packed into per-thread scratch
 * blocks (KC x MC of A, KC x NC of B) and multiplied by an MR x NR register-tile micro-kernel.
 * Returns false if scratch memory could not be had.
 */
bool gemm(size_t m, size_t n, size_t k, float alpha, MatRef a, MatRef b, float beta, float* c, size_t ldc);

/** Rows of C one micro-tile covers; callers splitting C by rows use multiples of this. */
constexpr size_t kGemmMR = 6;
/** Columns of C one micro-tile covers (two SIMD vectors). */
constexpr size_t kGemmNR = 2 * kVecLen;

}  // namespace NT_ISA_NS
