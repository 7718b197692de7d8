// conv1dBackwardInput, NCL layout: gy (n, cOut, lOut), w (cOut, cIn / groups, k) -> gx (n, cIn, l):
//   gx[b, ci, pos] = sum over (o, t, j) with t * stride - padding + j * dilation = pos of
//                    w[o, c, j] * gy[b, o, t]          (ci = g * cinG + c, o in group g)
// Overwrites gx. Aliasing: gx must not overlap gy or w.
// Method: per (batch item, group) and block of output positions, gcol (cinG * k, tb) = w_g^T @ gy_g
// (gemm.h), then col2im adds gcol into the zeroed gx rows. Threads split the (batch item, group)
// pairs; results do not depend on the thread count.
#include "conv1d_common.h"
#include "gemm.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool conv1dBackwardInput(const float* gy, const float* w, float* gx, const nt::Conv1dArgs& p) {
  if (p.n == 0 || p.cIn == 0 || p.l == 0) return true;
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, lOut = p.lOut, l = p.l;
  if (coutG == 0 || lOut == 0) {  // nothing flows back (and k may be huge when w is empty)
    for (size_t i = 0, len = p.n * p.cIn * l; i < len; ++i) gx[i] = 0.0f;
    return true;
  }
  const size_t K = cinG * p.k;
  const bool identity = im2colIsIdentity(p);
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                          static_cast<double>(K) +
                      static_cast<double>(p.n) * static_cast<double>(p.cIn) * static_cast<double>(l);
  int failed = 0;
  nt::parallelFor(p.n * p.groups, work, [&](size_t t0, size_t t1) {
    float* col = identity ? nullptr : scratch(kScratchCol, K * minz(lOut, kColBlock));
    if (!identity && col == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t task = t0; task < t1; ++task) {
      const size_t b = task / p.groups, g = task % p.groups;
      float* gxg = gx + (b * p.cIn + g * cinG) * l;
      const MatRef wgT{w + g * coutG * K, 1, static_cast<ptrdiff_t>(K)};  // (K, coutG)
      const MatRef gyg{gy + (b * p.cOut + g * coutG) * lOut, static_cast<ptrdiff_t>(lOut), 1};
      if (identity) {  // lOut == l and K == cinG: gx_g = w_g^T @ gy_g directly
        if (!gemm(K, l, coutG, 1.0f, wgT, gyg, 0.0f, gxg, l)) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        continue;
      }
      for (size_t i = 0; i < cinG * l; ++i) gxg[i] = 0.0f;
      for (size_t t0 = 0; t0 < lOut; t0 += kColBlock) {
        const size_t tb = minz(kColBlock, lOut - t0);
        const MatRef gyb{gyg.p + t0, gyg.rs, 1};
        if (!gemm(K, tb, coutG, 1.0f, wgT, gyb, 0.0f, col, tb)) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        col2imAdd(col, cinG, p, t0, tb, gxg);
      }
    }
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
