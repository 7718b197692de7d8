// conv2dBackwardWeight, NCHW layout: x (n, cIn, inH, inW), gy (n, cOut, outH, outW) ->
// gw (cOut, cIn / groups, kH, kW) and, if gb is not null, gb (cOut):
//   gw[o, c, i, j] = sum_{b, r, s} gy[b, o, r, s] * x[b, ci, r * strideH - padH + i * dilationH,
//                                                       s * strideW - padW + j * dilationW]
//   gb[o]          = sum_{b, r, s} gy[b, o, r, s]
// Overwrites gw and gb. Aliasing: gw and gb must not overlap x, gy or each other.
// Method: the batch is cut into at most kChunks fixed chunks (independent of the thread count, so
// results are too); each chunk's sums are kept apart and added in chunk order at the end. Per batch item,
// group and block of output positions, gw_g += gy_g (coutG, tb) @ col^T (tb, K) through the packed GEMM
// (gemm.h, conv2d-common.h im2col); a 1x1 stride-1 unpadded conv reads the input planes as col^T. Threads
// split the chunks, or run each GEMM when there are fewer chunks than threads. gb: conv-bias-grad.h.
#include "conv-bias-grad.h"
#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

constexpr size_t kChunks = 8;

/**
 * Chunk ch's sums of gw into dst (overwritten): batch items [b0, b1). col is K * min(P, kCol2dBlock)
 * floats (unused if identity).
 */
bool chunkSums(const float* x, const float* gy, float* dst, const nt::Conv2dArgs& p, size_t b0, size_t b1,
               float* col, GemmFn mm) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = p.outH * p.outW, planeIn = p.inH * p.inW;
  for (size_t b = b0; b < b1; ++b) {
    for (size_t g = 0; g < p.groups; ++g) {
      const float* xg = x + (b * p.cIn + g * cinG) * planeIn;
      const float* gyg = gy + (b * p.cOut + g * coutG) * P;
      float* gwg = dst + g * coutG * K;
      if (col == nullptr) {  // identity: the input planes, read as (P, K), are col^T
        const MatRef colT{xg, 1, static_cast<ptrdiff_t>(planeIn)};
        if (!mm(coutG, K, P, 1.0f, MatRef{gyg, static_cast<ptrdiff_t>(P), 1}, colT, b == b0 ? 0.0f : 1.0f, gwg, K))
          return false;
        continue;
      }
      for (size_t q0 = 0; q0 < P; q0 += kCol2dBlock) {
        const size_t tb = minz(kCol2dBlock, P - q0);
        im2col2d(xg, cinG, p, q0, tb, col);
        const MatRef colT{col, 1, static_cast<ptrdiff_t>(tb)};
        const float beta = b == b0 && q0 == 0 ? 0.0f : 1.0f;
        if (!mm(coutG, K, tb, 1.0f, MatRef{gyg + q0, static_cast<ptrdiff_t>(P), 1}, colT, beta, gwg, K)) return false;
      }
    }
  }
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
  const size_t colFloats = im2col2dIsIdentity(p) ? 0 : K * minz(P, kCol2dBlock);
  const bool threadGemm = chunks < static_cast<size_t>(nt::numThreads());
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  auto run = [&](size_t c0, size_t c1) {
    float* col = colFloats ? scratch(kScratchCol, colFloats) : nullptr;
    if (colFloats && col == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t ch = c0; ch < c1; ++ch) {
      const size_t q = p.n / chunks, rem = p.n % chunks;
      const size_t b0 = ch * q + minz(ch, rem), b1 = b0 + q + (ch < rem ? 1 : 0);
      float* dst = ch == 0 ? gw : partial + (ch - 1) * gwLen;
      if (!chunkSums(x, gy, dst, p, b0, b1, col, threadGemm ? gemmThreaded : gemm))
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
