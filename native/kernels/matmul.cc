// matmul: C (m, n) = alpha * op(A) (m, k) @ op(B) (k, n) + beta * C, all row-major.
//   A is stored (m, k), or (k, m) when transA; B is stored (k, n), or (n, k) when transB.
//   beta == 0 overwrites C: its old contents are ignored, NaN included. k == 0 gives beta * C.
//   Aliasing: C must not overlap A or B (the addon rejects it); A and B may overlap each other.
// Threads: C is cut into one band of rows per thread (or of columns when C has few rows). Each
// element goes through the same operations whatever the cut, so results do not depend on threads.
// Below nt::kParallelMinWork the whole product runs on the calling thread.
#include "gemm.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool matmul(const float* a, const float* b, float* c, const nt::MatmulArgs& p) {
  const size_t m = p.m, n = p.n, k = p.k;
  if (m == 0 || n == 0) return true;
  const MatRef A = p.transA ? MatRef{a, 1, static_cast<ptrdiff_t>(m)} : MatRef{a, static_cast<ptrdiff_t>(k), 1};
  const MatRef B = p.transB ? MatRef{b, 1, static_cast<ptrdiff_t>(k)} : MatRef{b, static_cast<ptrdiff_t>(n), 1};
  const double work = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) +
                      static_cast<double>(m) * static_cast<double>(n);
  // One band per thread (not the pool's finer default): every band packs all of B it touches, so more
  // bands would repeat that work. Bands are whole micro-tiles (kGemmMR rows / kGemmNR columns).
  const size_t threads = static_cast<size_t>(nt::numThreads());
  const size_t rowBlocks = (m + kGemmMR - 1) / kGemmMR, colBlocks = (n + kGemmNR - 1) / kGemmNR;
  int failed = 0;
  if (rowBlocks >= threads || rowBlocks >= colBlocks) {
    const size_t bands = minz(rowBlocks, threads), perBand = (rowBlocks + bands - 1) / bands;
    nt::parallelFor(bands, work, [&](size_t b0, size_t b1) {
      size_t r0 = minz(b0 * perBand * kGemmMR, m), r1 = minz(b1 * perBand * kGemmMR, m);
      MatRef Ab{A.p + static_cast<ptrdiff_t>(r0) * A.rs, A.rs, A.cs};
      if (!gemm(r1 - r0, n, k, p.alpha, Ab, B, p.beta, c + r0 * n, n)) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    });
  } else {
    const size_t bands = minz(colBlocks, threads), perBand = (colBlocks + bands - 1) / bands;
    nt::parallelFor(bands, work, [&](size_t b0, size_t b1) {
      size_t c0 = minz(b0 * perBand * kGemmNR, n), c1 = minz(b1 * perBand * kGemmNR, n);
      MatRef Bb{B.p + static_cast<ptrdiff_t>(c0) * B.cs, B.rs, B.cs};
      if (!gemm(m, c1 - c0, k, p.alpha, A, Bb, p.beta, c + c0, n)) __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    });
  }
  return failed == 0;
}

}  // namespace NT_ISA_NS
