// conv1dBackwardInput, NCL layout: gy (n, cOut, lOut), w (cOut, cIn / groups, k) -> gx (n, cIn, l):
//   gx[b, ci, pos] = sum over (o, t, j) with t * stride - padding + j * dilation = pos of
//                    w[o, c, j] * gy[b, o, t]          (ci = g * cinG + c, o in group g)
// Overwrites gx. Aliasing: gx must not overlap gy or w.
// Fusions of the autograd backward (src/ops/conv-grads.ts): with a relu output `mask`, gy is read as
// mask <= 0 ? +0 : gy (reluBackward's mask); `gyMasked`, if not null, receives the gy read (masked or not;
// it may be gy itself); with `acc`, gx = acc + the input gradient, which is computed in full per (batch
// item, group) in scratch and added once per element (gx may be acc). Each task stages its own gy rows
// and gx rows, so the masked rows and the contribution stay in cache.
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

/** The fusions' arrays (see the header comment); null when not used. */
struct Fused {
  const float* acc;
  const float* mask;
  float* gyMasked;
  /** True when the gy rows must be staged (masked or copied out) rather than read in place. */
  bool stageGy() const { return mask != nullptr || gyMasked != nullptr; }
};

/** The gy value the kernel reads: mask <= 0 ? +0 : gy (NaN passes), as reluBackward. */
static inline float maskedGy(float gy, float mask) { return mask <= 0.0f ? 0.0f : gy; }

/** maskedGy lane by lane. */
static inline VecF maskedLanes(VecF gy, VecF mask) { return (VecF)((VecI)gy & ~(VecI)(mask <= VecF{})); }

/** The masked gy [from, to) to dst (if kDst) and out (if kOut) in one pass; out may be gy. */
template <bool kDst, bool kOut>
static inline void maskRange(const float* gy, const float* mask, float* dst, float* out, size_t from, size_t to) {
  size_t i = from;
  for (; i + kVecLen <= to; i += kVecLen) {
    const VecF v = maskedLanes(loadu(gy + i), loadu(mask + i));
    if (kDst) storeu(dst + i, v);
    if (kOut) storeu(out + i, v);
  }
  for (; i < to; ++i) {
    const float v = maskedGy(gy[i], mask[i]);
    if (kDst) dst[i] = v;
    if (kOut) out[i] = v;
  }
}

/**
 * The gy value the kernel reads (maskedGy with a mask, else gy[i]) to dst[i] for i < dstLen (<= len; dst
 * may be null) and to out[i] for i < len when out is not null (out may be gy: each element is read before
 * it is written).
 */
static inline void stageGyRow(const float* gy, const float* mask, float* dst, size_t dstLen, float* out, size_t len) {
  if (mask == nullptr) {
    if (dst != nullptr) std::memcpy(dst, gy, dstLen * sizeof(float));
    if (out != nullptr && out != gy) std::memcpy(out, gy, len * sizeof(float));
    return;
  }
  if (dst == nullptr) return maskRange<false, true>(gy, mask, nullptr, out, 0, len);
  if (out == nullptr) return maskRange<true, false>(gy, mask, dst, nullptr, 0, dstLen);
  maskRange<true, true>(gy, mask, dst, out, 0, dstLen);
  maskRange<false, true>(gy, mask, nullptr, out, dstLen, len);
}

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

bool backwardInputDirect(const float* gy, const float* w, float* gx, const Fused& f, const nt::Conv1dArgs& p) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, lOut = p.lOut, l = p.l, k = p.k;
  const size_t K2 = coutG * k, d = p.dilation, pad = p.padding;
  // identity: gy's rows are read in place; outRows: they are staged into gyMasked and read there.
  const bool identity = im2colIsIdentity(p) && !f.stageGy();
  const bool outRows = im2colIsIdentity(p) && f.gyMasked != nullptr;
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
    float* buf = identity || outRows ? nullptr : scratch(kScratchCol, coutG * lg);
    float* tail = scratch(kScratchTail, K2 * kVecLen);
    float* part = f.acc != nullptr ? scratch(kScratchAcc, cinG * l) : nullptr;
    if ((!identity && !outRows && buf == nullptr) || tail == nullptr || (f.acc != nullptr && part == nullptr))
      return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    const float* rows[kDirectMaxK];
    const float* tailRows[kDirectMaxK];
    Prefetcher pf;
    for (size_t task = t0; task < t1; ++task) {
      const size_t b = task / p.groups, g = task % p.groups;
      pf = prefetchNextTask(task, p, GroupRows{gy, p.cOut, coutG, lOut}, GroupRows{gx, p.cIn, cinG, l});
      const size_t gyOff = (b * p.cOut + g * coutG) * lOut, gxOff = (b * p.cIn + g * cinG) * l;
      const float* gyg = gy + gyOff;
      if (identity) {
        for (size_t o = 0; o < coutG; ++o) rows[o] = gyg + o * lOut;
      } else if (outRows) {
        for (size_t o = 0; o < coutG; ++o) {
          const size_t at = gyOff + o * lOut;
          stageGyRow(gy + at, f.mask != nullptr ? f.mask + at : nullptr, nullptr, 0, f.gyMasked + at, lOut);
          rows[o] = f.gyMasked + at;
        }
      } else {
        for (size_t o = 0; o < coutG; ++o) {
          float* dst = buf + o * lg;  // dst[u] = gy[o, u - lead] (masked), 0 outside [0, lOut)
          const size_t hi = minz(lead + lOut, lg);
          for (size_t u = 0; u < lead; ++u) dst[u] = 0.0f;
          if (f.stageGy()) {  // the padded row holds gy[o, 0 .. hi - lead): the rest reaches no gx position
            const size_t at = gyOff + o * lOut;
            stageGyRow(gy + at, f.mask != nullptr ? f.mask + at : nullptr, dst + lead, hi - lead,
                       f.gyMasked != nullptr ? f.gyMasked + at : nullptr, lOut);
          } else {
            std::memcpy(dst + lead, gyg + o * lOut, (hi - lead) * sizeof(float));
          }
          for (size_t u = hi; u < lg; ++u) dst[u] = 0.0f;
          for (size_t j = 0; j < k; ++j) rows[o * k + j] = dst + (pad + lead - j * d);
        }
      }
      float* out = part != nullptr ? part : gx + gxOff;
      directGemm(cinG, l, K2, wp + g * packed, rows, nullptr, false, out, l, tail, tailRows, pf);
      if (part != nullptr) addContribution(f.acc + gxOff, part, gx + gxOff, cinG * l);
    }
  });
  return failed == 0;
}


/** gyMasked (n, cOut, lOut) = the gy the kernel reads, for the calls that read no gy (nothing flows back). */
void stageAllGy(const float* gy, const float* mask, float* gyMasked, const nt::Conv1dArgs& p) {
  const size_t len = p.n * p.cOut * p.lOut;
  if (gyMasked == nullptr || len == 0) return;
  float dst[1];
  for (size_t i = 0; i < len; ++i) stageGyRow(gy + i, mask != nullptr ? mask + i : nullptr, dst, 1, gyMasked + i, 1);
}

}  // namespace

bool conv1dBackwardInput(const float* gy, const float* w, float* gx, const float* acc, const float* mask,
                         float* gyMasked, const nt::Conv1dArgs& p) {
  const Fused f{acc, mask, gyMasked};
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, lOut = p.lOut, l = p.l;
  if (p.n == 0 || p.cIn == 0 || p.l == 0 || coutG == 0 || lOut == 0) {  // nothing flows back (and k may be huge
    stageAllGy(gy, mask, gyMasked, p);                                   // when w is empty)
    for (size_t i = 0, len = p.n * p.cIn * l; i < len; ++i) gx[i] = acc != nullptr ? acc[i] + 0.0f : 0.0f;
    return true;
  }
  if (p.stride == 1 && coutG * p.k <= kDirectMaxK && directRowsFit(p)) return backwardInputDirect(gy, w, gx, f, p);
  const size_t K = cinG * p.k;
  const bool identity = im2colIsIdentity(p);
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(lOut) *
                          static_cast<double>(K) +
                      static_cast<double>(p.n) * static_cast<double>(p.cIn) * static_cast<double>(l);
  int failed = 0;
  nt::parallelFor(p.n * p.groups, work, [&](size_t t0, size_t t1) {
    float* col = identity ? nullptr : scratch(kScratchCol, K * minz(lOut, kColBlock));
    float* staged = f.stageGy() ? scratch(kScratchPad, coutG * lOut) : nullptr;
    float* part = acc != nullptr ? scratch(kScratchAcc, cinG * l) : nullptr;
    if ((!identity && col == nullptr) || (f.stageGy() && staged == nullptr) || (acc != nullptr && part == nullptr))
      return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t task = t0; task < t1; ++task) {
      const size_t b = task / p.groups, g = task % p.groups;
      const size_t gyOff = (b * p.cOut + g * coutG) * lOut, gxOff = (b * p.cIn + g * cinG) * l;
      float* gxg = part != nullptr ? part : gx + gxOff;
      const MatRef wgT{w + g * coutG * K, 1, static_cast<ptrdiff_t>(K)};  // (K, coutG)
      if (staged != nullptr)
        stageGyRow(gy + gyOff, mask != nullptr ? mask + gyOff : nullptr, staged, coutG * lOut,
                   gyMasked != nullptr ? gyMasked + gyOff : nullptr, coutG * lOut);
      const MatRef gyg{staged != nullptr ? staged : gy + gyOff, static_cast<ptrdiff_t>(lOut), 1};
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
