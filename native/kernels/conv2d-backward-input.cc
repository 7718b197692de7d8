// conv2dBackwardInput, NCHW layout: gy (n, cOut, outH, outW), w (cOut, cIn / groups, kH, kW) ->
// gx (n, cIn, inH, inW):
//   gx[b, ci, h, v] = sum over (o, r, s, i, j) with r * strideH - padH + i * dilationH = h and
//                     s * strideW - padW + j * dilationW = v of w[o, c, i, j] * gy[b, o, r, s]
// (ci = g * cinG + c, o in group g). Overwrites gx. Aliasing: gx must not overlap gy or w.
// Method (conv2d-common.h): per (batch item, group) and block of output positions,
// gcol (K, tb) = w_g^T @ gy_g through the packed GEMM (gemm.h), then col2im adds gcol into the zeroed gx
// planes; a 1x1 stride-1 unpadded conv writes gx_g = w_g^T @ gy_g directly. Threads split the (batch item,
// group) pairs, or run each GEMM when there are fewer pairs than threads; results do not depend on the
// thread count.
#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** gx for the (batch item, group) pairs [t0, t1); col is K * min(P, kCol2dBlock) floats (unused if identity). */
bool backwardInputTasks(const float* gy, const float* w, float* gx, const nt::Conv2dArgs& p, size_t t0, size_t t1,
                        float* col, GemmFn mm) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = p.outH * p.outW, planeIn = p.inH * p.inW;
  for (size_t task = t0; task < t1; ++task) {
    const size_t b = task / p.groups, g = task % p.groups;
    float* gxg = gx + (b * p.cIn + g * cinG) * planeIn;
    const MatRef wgT{w + g * coutG * K, 1, static_cast<ptrdiff_t>(K)};  // (K, coutG)
    const float* gyg = gy + (b * p.cOut + g * coutG) * P;
    if (col == nullptr) {  // identity: gx_g = w_g^T @ gy_g
      if (!mm(K, P, coutG, 1.0f, wgT, MatRef{gyg, static_cast<ptrdiff_t>(P), 1}, 0.0f, gxg, P)) return false;
      continue;
    }
    for (size_t i = 0; i < cinG * planeIn; ++i) gxg[i] = 0.0f;
    for (size_t q0 = 0; q0 < P; q0 += kCol2dBlock) {
      const size_t tb = minz(kCol2dBlock, P - q0);
      if (!mm(K, tb, coutG, 1.0f, wgT, MatRef{gyg + q0, static_cast<ptrdiff_t>(P), 1}, 0.0f, col, tb)) return false;
      col2imAdd2d(col, cinG, p, q0, tb, gxg);
    }
  }
  return true;
}

}  // namespace

bool conv2dBackwardInput(const float* gy, const float* w, float* gx, const nt::Conv2dArgs& p) {
  const size_t planeIn = p.inH * p.inW, P = p.outH * p.outW, tasks = p.n * p.groups;
  if (p.n == 0 || p.cIn == 0 || planeIn == 0) return true;
  if (p.cOut == 0 || P == 0) {  // nothing flows back (and the kernel may be huge when w is empty)
    for (size_t i = 0, len = p.n * p.cIn * planeIn; i < len; ++i) gx[i] = 0.0f;
    return true;
  }
  const size_t K = p.cIn / p.groups * p.kH * p.kW;
  const size_t colFloats = im2col2dIsIdentity(p) ? 0 : K * minz(P, kCol2dBlock);
  if (tasks < static_cast<size_t>(nt::numThreads())) {
    float* col = colFloats ? scratch(kScratchCol, colFloats) : nullptr;
    if (colFloats && col == nullptr) return false;
    return backwardInputTasks(gy, w, gx, p, 0, tasks, col, gemmThreaded);
  }
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                          static_cast<double>(K) +
                      static_cast<double>(p.n) * static_cast<double>(p.cIn) * static_cast<double>(planeIn);
  int failed = 0;
  nt::parallelFor(tasks, work, [&](size_t t0, size_t t1) {
    float* col = colFloats ? scratch(kScratchCol, colFloats) : nullptr;
    if ((colFloats && col == nullptr) || !backwardInputTasks(gy, w, gx, p, t0, t1, col, gemm))
      __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
