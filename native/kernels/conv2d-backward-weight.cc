// conv2dBackwardWeight, NCHW layout: x (n, cIn, inH, inW), gy (n, cOut, outH, outW) ->
// gw (cOut, cIn / groups, kH, kW) and, if gb is not null, gb (cOut):
//   gw[o, c, i, j] = sum_{b, r, s} gy[b, o, r, s] * x[b, ci, r * strideH - padH + i * dilationH,
//                                                       s * strideW - padW + j * dilationW]
//   gb[o]          = sum_{b, r, s} gy[b, o, r, s]
// Overwrites gw and gb. Aliasing: gw and gb must not overlap x, gy or each other.
// Method: the batch is cut into at most kChunks fixed chunks (independent of the thread count, so
// results are too); each chunk's sums are kept apart and added in chunk order at the end. Within a chunk,
// per group and column block (several small images side by side, or part of a large one, conv2d-common.h),
// gw_g^T += col (K, cols) @ gy_block^T through the packed GEMM (gemm.h) after im2col, the gy rows gathered
// transposed (see chunkSums). Threads split the chunks, or run each GEMM when there are fewer chunks
// than threads. gb: conv-bias-grad.h.
#include "conv-bias-grad.h"
#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

constexpr size_t kChunks = 8;

/**
 * The sums of gw over batch items [b0, b1) into dst (overwritten). Per block the GEMM forms
 * gw_g^T (K, coutG) += col (K, cols) @ gy_block^T (cols, coutG): col is read row by row (the GEMM's fast
 * packing) and the gy rows are gathered transposed (coutG x cols stores) instead of col (K x cols) being
 * packed transposed; gwt (K x cOut floats) is transposed into dst at the end. col and gyt hold K x maxCols
 * and maxCols x coutG floats.
 */
bool chunkSums(const float* x, const float* gy, float* dst, const nt::Conv2dArgs& p, const ColBlocks& cb, size_t b0,
               size_t b1, float* col, float* gyt, float* gwt, GemmFn mm) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = cb.P, planeIn = p.inH * p.inW;
  bool first = true;
  for (size_t i0 = b0; i0 < b1; i0 += cb.nb) {
    const size_t i1 = minz(b1, i0 + cb.nb);
    for (size_t t0 = 0; t0 < P; t0 += cb.posCols) {  // one pass when nb > 1 (posCols = P)
      const size_t len = minz(cb.posCols, P - t0), cols = (i1 - i0) * len;
      for (size_t g = 0; g < p.groups; ++g) {
        for (size_t b = i0; b < i1; ++b) {
          im2col2d(x + (b * p.cIn + g * cinG) * planeIn, cinG, p, t0, len, col, cols, (b - i0) * len);
          for (size_t o = 0; o < coutG; ++o) {
            const float* src = gy + (b * p.cOut + g * coutG + o) * P + t0;
            float* d = gyt + (b - i0) * len * coutG + o;  // gyt[t, o], t = (b - i0) * len + i
            for (size_t i = 0; i < len; ++i) d[i * coutG] = src[i];
          }
        }
        const MatRef colA{col, static_cast<ptrdiff_t>(cols), 1};
        const MatRef gyB{gyt, static_cast<ptrdiff_t>(coutG), 1};
        if (!mm(K, coutG, cols, 1.0f, colA, gyB, first ? 0.0f : 1.0f, gwt + g * coutG * K, coutG)) return false;
      }
      first = false;
    }
  }
  for (size_t g = 0; g < p.groups; ++g)
    for (size_t o = 0; o < coutG; ++o)
      for (size_t r = 0; r < K; ++r) dst[(g * coutG + o) * K + r] = gwt[g * coutG * K + r * coutG + o];
  return true;
}

}  // namespace

bool conv2dBackwardWeight(const float* x, const float* gy, float* gw, float* gb, const nt::Conv2dArgs& p) {
  const size_t K = p.cIn / p.groups * p.kH * p.kW, gwLen = p.cOut * K, P = p.outH * p.outW;
  if (gb != nullptr) biasGrad(gy, gb, p.n, p.cOut, P);
  if (p.n == 0 || P == 0 || gwLen == 0) {
    for (size_t i = 0; i < gwLen; ++i) gw[i] = 0.0f;
    return true;
  }
  const size_t chunks = minz(p.n, kChunks);
  float* partial = nullptr;
  if (chunks > 1) {
    partial = static_cast<float*>(std::malloc((chunks - 1) * gwLen * sizeof(float)));
    if (partial == nullptr) return false;
  }
  const ColBlocks cb(p, K);
  const size_t colFloats = K * cb.maxCols(), gyFloats = p.cOut / p.groups * cb.maxCols();
  const bool threadGemm = chunks < static_cast<size_t>(nt::numThreads());
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  auto run = [&](size_t c0, size_t c1) {
    float* col = scratch(kScratchCol, colFloats);
    float* gyt = scratch(kScratchAcc, gyFloats);
    float* gwt = scratch(kScratchTail, gwLen);
    if (col == nullptr || gyt == nullptr || gwt == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t ch = c0; ch < c1; ++ch) {
      const size_t q = p.n / chunks, rem = p.n % chunks;
      const size_t b0 = ch * q + minz(ch, rem), b1 = b0 + q + (ch < rem ? 1 : 0);
      float* dst = ch == 0 ? gw : partial + (ch - 1) * gwLen;
      if (!chunkSums(x, gy, dst, p, cb, b0, b1, col, gyt, gwt, threadGemm ? gemmThreaded : gemm))
        return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    }
  };
  if (threadGemm) run(0, chunks);
  else nt::parallelFor(chunks, work, run);
  for (size_t ch = 1; ch < chunks && failed == 0; ++ch) {
    const float* src = partial + (ch - 1) * gwLen;
    for (size_t i = 0; i < gwLen; ++i) gw[i] += src[i];
  }
  std::free(partial);
  return failed == 0;
}

}  // namespace NT_ISA_NS
