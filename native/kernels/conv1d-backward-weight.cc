// conv1dBackwardWeight, NCL layout: x (n, cIn, l), gy (n, cOut, lOut) -> gw (cOut, cIn / groups, k)
// and, if gb is not null, gb (cOut):
//   gw[o, c, j] = sum_{b, t} gy[b, o, t] * x[b, ci, t * stride - padding + j * dilation]
//   gb[o]       = sum_{b, t} gy[b, o, t]
// Overwrites gw and gb. Aliasing: gw and gb must not overlap x, gy or each other.
// Method: the batch is cut into at most kChunks fixed chunks (independent of the thread count, so
// results are too); each chunk's sums are kept apart and added in chunk order at the end.
// When K = cinG * k <= kDirectMaxK (conv1d-direct.h) a chunk keeps one SIMD vector of partial sums per
// gw element (per-thread scratch): per batch item and group it adds the lane-wise dot products of the
// gy rows with the tap rows (views of phase-copied input rows, no im2col), plus a row of ones for gb,
// while prefetching the next item's rows; the lanes are summed once per chunk (hsum).
// Otherwise, per batch item, group and block of output positions gw_g += gy_g (coutG, tb) @ col^T
// (tb, cinG * k) through gemm.h, and gb sums each gy row in float SIMD lanes, rows in double.
#include "conv-bias-grad.h"
#include "conv1d-common.h"
#include "conv1d-direct.h"
#include "gemm.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

constexpr size_t kChunks = 8;

/**
 * The direct path (K <= kDirectMaxK). Chunk ch's sums go to part[ch] (accLen floats: per output
 * channel its K gw sums, then its gb sum when gb is wanted); part is the calling thread's scratch.
 */
bool backwardWeightDirect(const float* x, const float* gy, float* gw, float* gb, const nt::Conv1dArgs& p) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.k, lOut = p.lOut;
  const size_t KB = K + (gb != nullptr ? 1 : 0), accLen = p.cOut * KB;
  const size_t chunks = minz(p.n, kChunks);
  float* part = scratch(kScratchPackW, chunks * accLen);
  if (part == nullptr) return false;
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                      static_cast<double>(KB);
  int failed = 0;
  nt::parallelFor(chunks, work, [&](size_t c0, size_t c1) {
    float* buf = scratch(kScratchCol, phaseFloats(cinG, p));
    VecF* acc = reinterpret_cast<VecF*>(scratch(kScratchAcc, accLen * kVecLen));
    float* ones = gb != nullptr ? scratch(kScratchTail, lOut) : nullptr;
    if (buf == nullptr || acc == nullptr || (gb != nullptr && ones == nullptr))
      return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t t = 0; ones != nullptr && t < lOut; ++t) ones[t] = 1.0f;
    const float* rows[kDirectMaxK + 1];
    const float* gyRows[kDirectMaxK];
    Prefetcher pf;
    for (size_t ch = c0; ch < c1; ++ch) {
      const size_t q = p.n / chunks, rem = p.n % chunks;
      const size_t b0 = ch * q + minz(ch, rem), b1 = b0 + q + (ch < rem ? 1 : 0);
      for (size_t i = 0; i < accLen; ++i) acc[i] = VecF{};
      for (size_t task = b0 * p.groups; task < b1 * p.groups; ++task) {
        const size_t b = task / p.groups, g = task % p.groups;
        pf = prefetchNextTask(task, p, GroupRows{x, p.cIn, cinG, p.l}, GroupRows{gy, p.cOut, coutG, lOut});
        buildRows(x + (b * p.cIn + g * cinG) * p.l, cinG, p, buf, rows);
        if (ones != nullptr) rows[K] = ones;
        const float* gyg = gy + (b * p.cOut + g * coutG) * lOut;
        for (size_t o0 = 0; o0 < coutG; o0 += kDirectMaxK) {
          const size_t mo = minz(kDirectMaxK, coutG - o0);
          for (size_t o = 0; o < mo; ++o) gyRows[o] = gyg + (o0 + o) * lOut;
          dotAccumulate(mo, KB, lOut, gyRows, rows, acc + (g * coutG + o0) * KB, pf);
        }
      }
      float* dst = part + ch * accLen;
      for (size_t i = 0; i < accLen; ++i) dst[i] = hsum(acc[i]);
    }
  });
  if (failed != 0) return false;
  for (size_t o = 0; o < p.cOut; ++o) {
    for (size_t kk = 0; kk < K; ++kk) {
      float s = part[o * KB + kk];
      for (size_t ch = 1; ch < chunks; ++ch) s += part[ch * accLen + o * KB + kk];
      gw[o * K + kk] = s;
    }
    if (gb != nullptr) {
      double s = 0.0;
      for (size_t ch = 0; ch < chunks; ++ch) s += part[ch * accLen + o * KB + K];
      gb[o] = static_cast<float>(s);
    }
  }
  return true;
}

bool backwardWeightGemm(const float* x, const float* gy, float* gw, float* gb, const nt::Conv1dArgs& p) {
  if (gb != nullptr) biasGrad(gy, gb, p.n, p.cOut, p.lOut);
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.k, lOut = p.lOut;
  const size_t gwLen = p.cOut * K;
  const size_t chunks = minz(p.n, kChunks);
  float* partial = nullptr;
  if (chunks > 1) {
    partial = static_cast<float*>(std::malloc((chunks - 1) * gwLen * sizeof(float)));
    if (partial == nullptr) return false;
  }
  const bool identity = im2colIsIdentity(p);
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(chunks, work, [&](size_t c0, size_t c1) {
    float* col = identity ? nullptr : scratch(kScratchCol, K * minz(lOut, kColBlock));
    if (!identity && col == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t ch = c0; ch < c1; ++ch) {
      float* dst = ch == 0 ? gw : partial + (ch - 1) * gwLen;
      const size_t q = p.n / chunks, rem = p.n % chunks;
      const size_t b0 = ch * q + minz(ch, rem), b1 = b0 + q + (ch < rem ? 1 : 0);
      for (size_t b = b0; b < b1; ++b) {
        for (size_t g = 0; g < p.groups; ++g) {
          const float* xg = x + (b * p.cIn + g * cinG) * p.l;
          const float* gyg = gy + (b * p.cOut + g * coutG) * lOut;
          float* gwg = dst + g * coutG * K;
          if (identity) {  // lOut == l, K == cinG: the input rows, read as (lOut, K), are col^T
            const MatRef colT{xg, 1, static_cast<ptrdiff_t>(p.l)};
            const MatRef gyb{gyg, static_cast<ptrdiff_t>(lOut), 1};
            if (!gemm(coutG, K, lOut, 1.0f, gyb, colT, b == b0 ? 0.0f : 1.0f, gwg, K))
              return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
            continue;
          }
          for (size_t t0 = 0; t0 < lOut; t0 += kColBlock) {
            const size_t tb = minz(kColBlock, lOut - t0);
            im2col(xg, cinG, p, t0, tb, col);
            const MatRef colT{col, 1, static_cast<ptrdiff_t>(tb)};
            const MatRef gyb{gyg + t0, static_cast<ptrdiff_t>(lOut), 1};
            const float beta = b == b0 && t0 == 0 ? 0.0f : 1.0f;
            if (!gemm(coutG, K, tb, 1.0f, gyb, colT, beta, gwg, K)) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
          }
        }
      }
    }
  });
  for (size_t ch = 1; ch < chunks && failed == 0; ++ch) {
    const float* src = partial + (ch - 1) * gwLen;
    for (size_t i = 0; i < gwLen; ++i) gw[i] += src[i];
  }
  std::free(partial);
  return failed == 0;
}

}  // namespace

bool conv1dBackwardWeight(const float* x, const float* gy, float* gw, float* gb, const nt::Conv1dArgs& p) {
  const size_t K = p.cIn / p.groups * p.k, gwLen = p.cOut * K;
  if (p.n == 0 || p.lOut == 0 || gwLen == 0) {
    if (gb != nullptr) biasGrad(gy, gb, p.n, p.cOut, p.lOut);
    for (size_t i = 0; i < gwLen; ++i) gw[i] = 0.0f;
    return true;
  }
  if (K <= kDirectMaxK) return backwardWeightDirect(x, gy, gw, gb, p);
  return backwardWeightGemm(x, gy, gw, gb, p);
}

}  // namespace NT_ISA_NS
