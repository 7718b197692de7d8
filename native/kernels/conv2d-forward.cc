// conv2dForward, NCHW layout: x (n, cIn, inH, inW), w (cOut, cIn / groups, kH, kW), bias (cOut) or
// null, y (n, cOut, outH, outW). For output channel o of group g and input channel ci = g * cinG + c:
//   y[b, o, r, s] = bias[o] + sum_{c, i, j} w[o, c, i, j] * x[b, ci, r * strideH - padH + i * dilationH,
//                                                               s * strideW - padW + j * dilationW]
// with x = 0 outside the image. Overwrites y. Aliasing: y must not overlap x, w or bias.
// Method (conv2d-common.h): per (batch item, group) and block of output positions, im2col then
// y_g = w_g @ col through the packed GEMM (gemm.h), bias pre-filled with beta = 1; a 1x1 stride-1
// unpadded conv multiplies by the input planes directly. Threads split the (batch item, group) pairs
// when there are at least as many as threads, else each GEMM runs on the pool (gemmThreaded); results
// do not depend on the thread count either way. p.relu: each (batch item, group) block of y is
// replaced by its relu right after it is computed (relu-inline.h).
#include "conv2d-common.h"
#include "relu-inline.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** y for the (batch item, group) pairs [t0, t1); col is K * min(P, kCol2dBlock) floats (unused if identity). */
bool forwardTasks(const float* x, const float* w, const float* bias, float* y, const nt::Conv2dArgs& p, size_t t0,
                  size_t t1, float* col, GemmFn mm) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = p.outH * p.outW, planeIn = p.inH * p.inW;
  for (size_t task = t0; task < t1; ++task) {
    const size_t b = task / p.groups, g = task % p.groups;
    const float* xg = x + (b * p.cIn + g * cinG) * planeIn;
    float* yg = y + (b * p.cOut + g * coutG) * P;
    float beta = 0.0f;
    if (bias != nullptr) {
      for (size_t o = 0; o < coutG; ++o) {
        const float v = bias[g * coutG + o];
        float* row = yg + o * P;
        for (size_t t = 0; t < P; ++t) row[t] = v;
      }
      beta = 1.0f;
    }
    const MatRef wg{w + g * coutG * K, static_cast<ptrdiff_t>(K), 1};
    if (col == nullptr) {  // identity: P == inH * inW, K == cinG
      if (!mm(coutG, P, K, 1.0f, wg, MatRef{xg, static_cast<ptrdiff_t>(planeIn), 1}, beta, yg, P)) return false;
    } else {
      for (size_t q0 = 0; q0 < P; q0 += kCol2dBlock) {
        const size_t tb = minz(kCol2dBlock, P - q0);
        im2col2d(xg, cinG, p, q0, tb, col);
        if (!mm(coutG, tb, K, 1.0f, wg, MatRef{col, static_cast<ptrdiff_t>(tb), 1}, beta, yg + q0, P)) return false;
      }
    }
    if (p.relu) reluRange(yg, yg, coutG * P);
  }
  return true;
}

}  // namespace

bool conv2dForward(const float* x, const float* w, const float* bias, float* y, const nt::Conv2dArgs& p) {
  const size_t P = p.outH * p.outW, tasks = p.n * p.groups;
  if (tasks == 0 || p.cOut == 0 || P == 0) return true;
  const size_t K = p.cIn / p.groups * p.kH * p.kW;
  const size_t colFloats = im2col2dIsIdentity(p) ? 0 : K * minz(P, kCol2dBlock);
  if (tasks < static_cast<size_t>(nt::numThreads())) {  // few pairs: thread each GEMM instead
    float* col = colFloats ? scratch(kScratchCol, colFloats) : nullptr;
    if (colFloats && col == nullptr) return false;
    return forwardTasks(x, w, bias, y, p, 0, tasks, col, gemmThreaded);
  }
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(tasks, work, [&](size_t t0, size_t t1) {
    float* col = colFloats ? scratch(kScratchCol, colFloats) : nullptr;
    if ((colFloats && col == nullptr) || !forwardTasks(x, w, bias, y, p, t0, t1, col, gemm))
      __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
