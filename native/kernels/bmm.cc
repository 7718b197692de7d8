// bmm: C[i] (m, n) = alpha * op(A[i]) (m, k) @ op(B[i]) (k, n) + beta * C[i] for i < batch, row-major.
//   A[i] starts at i * m * k floats of a (A[0] for every i when aBatch == 1), B[i] at i * k * n (likewise
//   bBatch), C[i] at i * m * n. Each product is the matmul kernel's (same operations, same rounding).
//   Aliasing: C must not overlap A or B (the addon rejects it); A and B may overlap each other.
// Threads: see batched-products.h (the batch split or each product's tiles split).
#include "batched-products.h"
#include "gemm.h"
#include "kernels.h"

namespace NT_ISA_NS {

bool bmm(const float* a, const float* b, float* c, const nt::BmmArgs& p) {
  const size_t aStep = p.aBatch == 1 ? 0 : p.m * p.k, bStep = p.bBatch == 1 ? 0 : p.k * p.n, cStep = p.m * p.n;
  // Product i on the calling thread (gemm) or on the pool (gemmThreaded).
  auto product = [&](size_t i, bool threaded) {
    const float* ai = a + i * aStep;
    const float* bi = b + i * bStep;
    const MatRef A = p.transA ? MatRef{ai, 1, static_cast<ptrdiff_t>(p.m)} : MatRef{ai, static_cast<ptrdiff_t>(p.k), 1};
    const MatRef B = p.transB ? MatRef{bi, 1, static_cast<ptrdiff_t>(p.k)} : MatRef{bi, static_cast<ptrdiff_t>(p.n), 1};
    return threaded ? gemmThreaded(p.m, p.n, p.k, p.alpha, A, B, p.beta, c + i * cStep, p.n)
                    : gemm(p.m, p.n, p.k, p.alpha, A, B, p.beta, c + i * cStep, p.n);
  };
  return runProducts(p.batch, p.m, p.n, p.k, product);
}

}  // namespace NT_ISA_NS
