// Packed SGEMM core used by matmul and the conv1d kernels (per ISA, see isa.h).
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
 * contents (NaN included). C must not overlap A or B. Runs on the calling thread; A and B are packed
 * into its scratch (kScratchPackA / kScratchPackB) and multiplied by a register-tile micro-kernel.
 * Returns false if scratch memory could not be had.
 */
bool gemm(size_t m, size_t n, size_t k, float alpha, MatRef a, MatRef b, float beta, float* c, size_t ldc);

/**
 * gemm() on the thread pool (nt::parallelFor): the threads pack A and B together into the calling
 * thread's scratch, then split C's tiles. Each element of C goes through the same operations as in
 * gemm(), so the result does not depend on the thread count.
 */
bool gemmThreaded(size_t m, size_t n, size_t k, float alpha, MatRef a, MatRef b, float beta, float* c, size_t ldc);

}  // namespace NT_ISA_NS
