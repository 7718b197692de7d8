// conv1dForward, NCL layout: x (n, cIn, l), w (cOut, cIn / groups, k), bias (cOut) or null,
// y (n, cOut, lOut). For output channel o of group g and input channel ci = g * cinG + c:
//   y[b, o, t] = bias[o] + sum_{c, j} w[o, c, j] * x[b, ci, t * stride - padding + j * dilation]
// with x = 0 outside [0, l). Overwrites y. Aliasing: y must not overlap x, w or bias.
// Method: when K = cinG * k <= kDirectMaxK (conv1d-direct.h), per (batch item, group) the tap rows
// are views of (phase-copied) input rows and y_g = w_g @ rows + bias runs through directGemm with
// w packed once per call, prefetching the next pair's input and output lines. Otherwise, per (batch
// item, group) and block of output positions, im2col then y_g = w_g @ col (gemm.h), bias pre-filled
// with beta = 1. Threads split the (batch item, group) pairs; results do not depend on the thread
// count. p.relu: y is replaced by its relu, on the direct path as each register tile is stored, on
// the gemm path per (batch item, group) block right after it is computed (relu-inline.h).
#include "conv1d-common.h"
#include "conv1d-direct.h"
#include "gemm.h"
#include "relu-inline.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

bool forwardGemm(const float* x, const float* w, const float* bias, float* y, const nt::Conv1dArgs& p) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.k, lOut = p.lOut;
  const bool identity = im2colIsIdentity(p);
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(p.n * p.groups, work, [&](size_t t0, size_t t1) {
    float* col = identity ? nullptr : scratch(kScratchCol, K * minz(lOut, kColBlock));
    if (!identity && col == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t task = t0; task < t1; ++task) {
      const size_t b = task / p.groups, g = task % p.groups;
      const float* xg = x + (b * p.cIn + g * cinG) * p.l;
      float* yg = y + (b * p.cOut + g * coutG) * lOut;
      float beta = 0.0f;
      if (bias != nullptr) {
        for (size_t o = 0; o < coutG; ++o) {
          const float v = bias[g * coutG + o];
          float* row = yg + o * lOut;
          for (size_t t = 0; t < lOut; ++t) row[t] = v;
        }
        beta = 1.0f;
      }
      const MatRef wg{w + g * coutG * K, static_cast<ptrdiff_t>(K), 1};
      if (identity) {  // lOut == l, K == cinG: the input rows are the columns
        const MatRef cols{xg, static_cast<ptrdiff_t>(p.l), 1};
        if (!gemm(coutG, lOut, K, 1.0f, wg, cols, beta, yg, lOut)) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
        if (p.relu) reluRange(yg, yg, coutG * lOut);
        continue;
      }
      for (size_t t0 = 0; t0 < lOut; t0 += kColBlock) {
        const size_t tb = minz(kColBlock, lOut - t0);
        im2col(xg, cinG, p, t0, tb, col);
        const MatRef cols{col, static_cast<ptrdiff_t>(tb), 1};
        if (!gemm(coutG, tb, K, 1.0f, wg, cols, beta, yg + t0, lOut))
          return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
      }
      if (p.relu) reluRange(yg, yg, coutG * lOut);
    }
  });
  return failed == 0;
}

bool forwardDirect(const float* x, const float* w, const float* bias, float* y, const nt::Conv1dArgs& p) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.k, lOut = p.lOut;
  const size_t packed = packedAFloats(coutG, K);
  float* wp = scratch(kScratchPackW, p.groups * packed);
  if (wp == nullptr) return false;
  for (size_t g = 0; g < p.groups; ++g)
    packRowsA(coutG, K, w + g * coutG * K, static_cast<ptrdiff_t>(K), 1, wp + g * packed);
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(p.n * p.groups, work, [&](size_t t0, size_t t1) {
    float* buf = scratch(kScratchCol, phaseFloats(cinG, p));
    float* tail = scratch(kScratchTail, K * kVecLen);
    if (buf == nullptr || tail == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    const float* rows[kDirectMaxK];
    const float* tailRows[kDirectMaxK];
    Prefetcher pf;
    for (size_t task = t0; task < t1; ++task) {
      const size_t b = task / p.groups, g = task % p.groups;
      pf = prefetchNextTask(task, p, GroupRows{x, p.cIn, cinG, p.l}, GroupRows{y, p.cOut, coutG, lOut});
      buildRows(x + (b * p.cIn + g * cinG) * p.l, cinG, p, buf, rows);
      directGemm(coutG, lOut, K, wp + g * packed, rows, bias != nullptr ? bias + g * coutG : nullptr, p.relu,
                 y + (b * p.cOut + g * coutG) * lOut, lOut, tail, tailRows, pf);
    }
  });
  return failed == 0;
}

}  // namespace

bool conv1dForward(const float* x, const float* w, const float* bias, float* y, const nt::Conv1dArgs& p) {
  if (p.n == 0 || p.cOut == 0 || p.lOut == 0) return true;
  const size_t K = p.cIn / p.groups * p.k;
  if (K > 0 && K <= kDirectMaxK) return forwardDirect(x, w, bias, y, p);
  return forwardGemm(x, w, bias, y, p);
}

}  // namespace NT_ISA_NS
