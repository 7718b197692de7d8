// matmul: C (m, n) = alpha * op(A) (m, k) @ op(B) (k, n) + beta * C, all row-major.
//   A is stored (m, k), or (k, m) when transA; B is stored (k, n), or (n, k) when transB.
//   beta == 0 overwrites C: its old contents are ignored, NaN included. k == 0 gives beta * C.
//   Aliasing: C must not overlap A or B (the addon rejects it); A and B may overlap each other.
// Threads: gemmThreaded packs A and B once, shared by all threads, and splits C's tiles among them;
// each element goes through the same operations whatever the split, so results do not depend on
// threads. Below nt::kParallelMinWork the whole product runs on the calling thread.
#include "gemm.h"
#include "kernels.h"

namespace NT_ISA_NS {

bool matmul(const float* a, const float* b, float* c, const nt::MatmulArgs& p) {
  const MatRef A = p.transA ? MatRef{a, 1, static_cast<ptrdiff_t>(p.m)} : MatRef{a, static_cast<ptrdiff_t>(p.k), 1};
  const MatRef B = p.transB ? MatRef{b, 1, static_cast<ptrdiff_t>(p.k)} : MatRef{b, static_cast<ptrdiff_t>(p.n), 1};
  return gemmThreaded(p.m, p.n, p.k, p.alpha, A, B, p.beta, c, p.n);
}

}  // namespace NT_ISA_NS
