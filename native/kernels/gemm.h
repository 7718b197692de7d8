// Packed SGEMM core used by matmul and the conv1d / conv2d kernels (per ISA, see isa.h).
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

/** The widest B panel any ISA's micro-kernel reads (AVX-512: 48 columns). */
constexpr size_t kGemmMaxPanelCols = 64;

/**
 * A B operand that writes its own packed panels (an implicit matrix, e.g. conv2d's columns built straight
 * from the image, never stored whole): pack(ctx, t0, kc, c0, cols, padded, nr, bp) must set
 * bp[t * nr + c] = B(t0 + t, c0 + c) for t < kc, c < cols, and 0 for cols <= c < padded (nr <=
 * kGemmMaxPanelCols). Called from several threads at once by gemmPackedThreaded: ctx is read-only.
 */
struct BPacker {
  void (*pack)(const void* ctx, size_t t0, size_t kc, size_t c0, size_t cols, size_t padded, size_t nr, float* bp);
  const void* ctx;
};

/**
 * Floats of A (m, k) packed whole by gemmPackA, every k block's panels, or 0 if m is past the rows packed
 * at once (then A cannot be packed ahead).
 */
size_t gemmPackedASize(size_t m, size_t k);

/**
 * Packs A (m, k) whole into ap (gemmPackedASize(m, k) floats), for the gemmPacked calls that share one A
 * (conv2d's weights against every column block: packed once per call instead of once per block).
 */
void gemmPackA(size_t m, size_t k, MatRef a, float* ap);

/** gemm() with B given by its packer, and A packed ahead by gemmPackA (ap), or packed here when ap is null. */
bool gemmPacked(size_t m, size_t n, size_t k, float alpha, MatRef a, const float* ap, const BPacker& b, float beta,
                float* c, size_t ldc);

/** gemmThreaded() with B given by its packer and A as in gemmPacked. */
bool gemmPackedThreaded(size_t m, size_t n, size_t k, float alpha, MatRef a, const float* ap, const BPacker& b,
                        float beta, float* c, size_t ldc);

/**
 * An A operand that writes its own packed panels (conv2d's weight gradient packs the gy rows of several
 * images, which no single stride describes): pack(ctx, r0, rows, t0, kc, mr, ap) must set ap[t * mr + r] =
 * A(r0 + r, t0 + t) for r < rows <= mr, t < kc (rows past `rows` are not read). Called from several threads
 * at once by gemmPackedABThreaded: ctx is read-only.
 */
struct APacker {
  void (*pack)(const void* ctx, size_t r0, size_t rows, size_t t0, size_t kc, size_t mr, float* ap);
  const void* ctx;
};

/** gemm() with both operands given by their packers. */
bool gemmPackedAB(size_t m, size_t n, size_t k, float alpha, const APacker& a, const BPacker& b, float beta, float* c,
                  size_t ldc);

/** gemmPackedAB() on the thread pool, split as gemmThreaded. */
bool gemmPackedABThreaded(size_t m, size_t n, size_t k, float alpha, const APacker& a, const BPacker& b, float beta,
                          float* c, size_t ldc);

}  // namespace NT_ISA_NS
