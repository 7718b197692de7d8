// bmmHeads: bmm over outer x heads products addressed through row strides and offsets (src/backend/backend.ts
//   BmmHeadsParams): product (o, h) reads A at o * aOuter + h * aHead with rows aLd floats apart (likewise
//   B) and writes C at o * cOuter + h * cHead with rows cLd apart. Attention's heads read straight from
//   the projections' (N, L, E) rows (row stride E, head offset h * D), and its output written into the
//   merged (N, L, E) rows, with no split or merge copy. Each product is the matmul kernel's (gemm.h takes
//   any row and column strides), so it rounds exactly as bmm on the gathered matrices.
//   Bounds and aliasing: the addon checks every address against the arrays' lengths and that C's elements
//   are distinct (native/checks.h checkBmmHeads); C must not overlap A or B.
// Threads: as bmm (batched-products.h).
#include "batched-products.h"
#include "gemm.h"
#include "kernels.h"

namespace NT_ISA_NS {

bool bmmHeads(const float* a, const float* b, float* c, const nt::BmmHeadsArgs& p) {
  const size_t heads = p.heads;
  // Start of product i = o * heads + h in an operand (a null operand is empty: nothing reads it).
  auto at = [heads](auto* x, size_t i, size_t outerStride, size_t headStride) {
    return x == nullptr ? x : x + (i / heads) * outerStride + (i % heads) * headStride;
  };
  const auto lda = static_cast<ptrdiff_t>(p.aLd), ldb = static_cast<ptrdiff_t>(p.bLd);
  auto product = [&](size_t i, bool threaded) {
    const float* ai = at(a, i, p.aOuter, p.aHead);
    const float* bi = at(b, i, p.bOuter, p.bHead);
    float* ci = at(c, i, p.cOuter, p.cHead);
    const MatRef A = p.transA ? MatRef{ai, 1, lda} : MatRef{ai, lda, 1};
    const MatRef B = p.transB ? MatRef{bi, 1, ldb} : MatRef{bi, ldb, 1};
    return threaded ? gemmThreaded(p.m, p.n, p.k, p.alpha, A, B, p.beta, ci, p.cLd)
                    : gemm(p.m, p.n, p.k, p.alpha, A, B, p.beta, ci, p.cLd);
  };
  if (p.m == 0 || p.n == 0) return true;  // nothing written (and c may be empty)
  return runProducts(p.outer * heads, p.m, p.n, p.k, product);
}

}  // namespace NT_ISA_NS
