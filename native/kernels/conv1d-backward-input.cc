// conv1dBackwardInput, NCL layout: gy (n, cOut, lOut), w (cOut, cIn / groups, k) -> gx (n, cIn, l):
//   gx[b, ci, pos] = sum over (o, t, j) with t * stride - padding + j * dilation = pos of
//                    w[o, c, j] * gy[b, o, t]          (ci = g * cinG + c, o in group g)
// Overwrites gx; with acc (not null), gx = acc + the input gradient instead (gx may be acc): the
// autograd engine's sum of the gradients of one tensor, fused (src/ops/conv-grads.ts). Each (batch item,
// group) computes its rows of the gradient in full in scratch, then adds them to acc once per element
// (one float32 rounding, bit for bit add(acc, gx) of the call without acc) while they are in cache.
// Aliasing: gx must not overlap gy or w.
// Method: per (batch item, group) and block of output positions, gcol (cinG * k, tb) = w_g^T @ gy_g
// (gemm.h), then col2im adds gcol into the zeroed gx rows. With stride 1 and coutG * k <=
// kDirectMaxK the input gradient is instead itself a convolution of zero-padded gy rows:
//   gx_g[c, pos] = sum_{o, j} w[o, c, j] * gyPad[o, pos + padding + lead - j * dilation]
// (lead = max(0, (k - 1) * dilation - padding) zeros in front of each gy row), computed by
// directGemm (conv1d-direct.h) with w packed once per call, prefetching the next pair's gy and gx
// lines. Threads split the (batch item, group)
// pairs; results do not depend on the thread count.
#include "conv1d-common.h"
#include "conv1d-direct.h"
#include "gemm.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** gx[i] = acc[i] + part[i] for i < len (gx may be acc). */
static inline void addContribution(const float* acc, const float* __restrict part, float* gx, size_t len) {
  for (size_t i = 0; i < len; ++i) gx[i] = acc[i] + part[i];
}

/** Length of backwardInputDirect's zero-padded gy rows: l + padding + (k-1) * dilation - padding (if positive). */
size_t directRowLen(const nt::Conv1dArgs& p) {
  const size_t span = (p.k - 1) * p.dilation;
  return p.l + p.padding + (span > p.padding ? span - p.padding : 0);
}

/**
 * Whether the direct path's padded gy rows stay proportional to the rows computed (a padding that a
 * dilation cancels, with few positions computed, would make them arbitrarily long); otherwise the
 * im2col path below, whose columns are bounded by the work, serves.
 */
bool directRowsFit(const nt::Conv1dArgs& p) {
  return static_cast<double>(directRowLen(p)) <= 2.0 * (static_cast<double>(p.l) + static_cast<double>(p.lOut)) + 64.0;
}

bool backwardInputDirect(const float* gy, const float* w, float* gx, const float* acc, const nt::Conv1dArgs& p) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, lOut = p.lOut, l = p.l, k = p.k;
  const size_t K2 = coutG * k, d = p.dilation, pad = p.padding;
  const bool identity = im2colIsIdentity(p);
  const size_t lead = (k - 1) * d > pad ? (k - 1) * d - pad : 0, lg = directRowLen(p);
  const size_t packed = packedAFloats(cinG, K2);
  float* wp = scratch(kScratchPackW, p.groups * packed);
  if (wp == nullptr) return false;
  for (size_t g = 0; g < p.groups; ++g) {  // A (cinG, coutG * k): A[c, o * k + j] = w[o, c, j]
    const float* wg = w + g * coutG * cinG * k;
    float* ap = wp + g * packed;
    for (size_t i = 0; i < cinG; i += kDMR, ap += K2 * kDMR) {
      const size_t mr = minz(kDMR, cinG - i);
      for (size_t o = 0; o < coutG; ++o)
        for (size_t j = 0; j < k; ++j) {
          float* dst = ap + (o * k + j) * kDMR;
          for (size_t r = 0; r < mr; ++r) dst[r] = wg[(o * cinG + i + r) * k + j];
          for (size_t r = mr; r < kDMR; ++r) dst[r] = 0.0f;
        }
    }
  }
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                      static_cast<double>(cinG * k);
  int failed = 0;
  nt::parallelFor(p.n * p.groups, work, [&](size_t t0, size_t t1) {
    float* buf = identity ? nullptr : scratch(kScratchCol, coutG * lg);
    float* tail = scratch(kScratchTail, K2 * kVecLen);
    float* part = acc != nullptr ? scratch(kScratchAcc, cinG * l) : nullptr;
    if ((!identity && buf == nullptr) || tail == nullptr || (acc != nullptr && part == nullptr))
      return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    const float* rows[kDirectMaxK];
    const float* tailRows[kDirectMaxK];
    Prefetcher pf;
    for (size_t task = t0; task < t1; ++task) {
      const size_t b = task / p.groups, g = task % p.groups;
      pf = prefetchNextTask(task, p, GroupRows{gy, p.cOut, coutG, lOut}, GroupRows{gx, p.cIn, cinG, l});
      const float* gyg = gy + (b * p.cOut + g * coutG) * lOut;
      if (identity) {
        for (size_t o = 0; o < coutG; ++o) rows[o] = gyg + o * lOut;
      } else {
        for (size_t o = 0; o < coutG; ++o) {
          float* dst = buf + o * lg;  // dst[u] = gy[o, u - lead], 0 outside [0, lOut)
          const size_t hi = minz(lead + lOut, lg);
          for (size_t u = 0; u < lead; ++u) dst[u] = 0.0f;
          std::memcpy(dst + lead, gyg + o * lOut, (hi - lead) * sizeof(float));
          for (size_t u = hi; u < lg; ++u) dst[u] = 0.0f;
          for (size_t j = 0; j < k; ++j) rows[o * k + j] = dst + (pad + lead - j * d);
        }
      }
      const size_t gxOff = (b * p.cIn + g * cinG) * l;
      directGemm(cinG, l, K2, wp + g * packed, rows, nullptr, false, part != nullptr ? part : gx + gxOff, l, tail,
                 tailRows, pf);
      if (part != nullptr) addContribution(acc + gxOff, part, gx + gxOff, cinG * l);
    }
  });
  return failed == 0;
}

}  // namespace

bool conv1dBackwardInput(const float* gy, const float* w, float* gx, const float* acc, const nt::Conv1dArgs& p) {
  if (p.n == 0 || p.cIn == 0 || p.l == 0) return true;
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, lOut = p.lOut, l = p.l;
  if (coutG == 0 || lOut == 0) {  // nothing flows back (and k may be huge when w is empty): gx = acc + 0
    for (size_t i = 0, len = p.n * p.cIn * l; i < len; ++i) gx[i] = acc != nullptr ? acc[i] + 0.0f : 0.0f;
    return true;
  }
  if (p.stride == 1 && coutG * p.k <= kDirectMaxK && directRowsFit(p)) return backwardInputDirect(gy, w, gx, acc, p);
  const size_t K = cinG * p.k;
  const bool identity = im2colIsIdentity(p);
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                          static_cast<double>(K) +
                      static_cast<double>(p.n) * static_cast<double>(p.cIn) * static_cast<double>(l);
  int failed = 0;
  nt::parallelFor(p.n * p.groups, work, [&](size_t t0, size_t t1) {
    float* col = identity ? nullptr : scratch(kScratchCol, K * minz(lOut, kColBlock));
    float* part = acc != nullptr ? scratch(kScratchAcc, cinG * l) : nullptr;
    if ((!identity && col == nullptr) || (acc != nullptr && part == nullptr))
      return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t task = t0; task < t1; ++task) {
      const size_t b = task / p.groups, g = task % p.groups;
      const size_t gxOff = (b * p.cIn + g * cinG) * l;
      float* gxg = part != nullptr ? part : gx + gxOff;
      const MatRef wgT{w + g * coutG * K, 1, static_cast<ptrdiff_t>(K)};  // (K, coutG)
      const MatRef gyg{gy + (b * p.cOut + g * coutG) * lOut, static_cast<ptrdiff_t>(lOut), 1};
      if (identity) {  // lOut == l and K == cinG: gx_g = w_g^T @ gy_g directly
        if (!gemm(K, l, coutG, 1.0f, wgT, gyg, 0.0f, gxg, l)) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
      } else {
        for (size_t i = 0; i < cinG * l; ++i) gxg[i] = 0.0f;
        for (size_t t0 = 0; t0 < lOut; t0 += kColBlock) {
          const size_t tb = minz(kColBlock, lOut - t0);
          const MatRef gyb{gyg.p + t0, gyg.rs, 1};
          if (!gemm(K, tb, coutG, 1.0f, wgT, gyb, 0.0f, col, tb)) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
          col2imAdd(col, cinG, p, t0, tb, gxg);
        }
      }
      if (part != nullptr) addContribution(acc + gxOff, part, gx + gxOff, cinG * l);
    }
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
