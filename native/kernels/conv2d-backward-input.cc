// conv2dBackwardInput, NCHW layout: gy (n, cOut, outH, outW), w (cOut, cIn / groups, kH, kW) ->
// gx (n, cIn, inH, inW):
//   gx[b, ci, h, v] = sum over (o, r, s, i, j) with r * strideH - padH + i * dilationH = h and
//                     s * strideW - padW + j * dilationW = v of w[o, c, i, j] * gy[b, o, r, s]
// (ci = g * cinG + c, o in group g). Overwrites gx. Aliasing: gx must not overlap gy or w.
// Method (conv2d-common.h): per group and column block (several small images side by side, or part of a
// large one), the gy rows are gathered side by side, gcol (K, cols) = w_g^T @ gy_block through the packed
// GEMM (gemm.h), then col2im adds gcol into the zeroed gx planes. A task is one group and whole images (so
// no two threads add into one plane): threads split the tasks, or run each GEMM when there are fewer tasks
// than threads; results do not depend on the thread count.
#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** The blocks of task `task` = (group, images); col and gyb hold K x maxCols and coutG x maxCols floats. */
bool backwardInputTask(const float* gy, const float* w, float* gx, const nt::Conv2dArgs& p, const ColBlocks& cb,
                       size_t task, float* col, float* gyb, GemmFn mm) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = cb.P, planeIn = p.inH * p.inW, perGroup = cb.count / cb.perImage, g = task / perGroup;
  const MatRef wgT{w + g * coutG * K, 1, static_cast<ptrdiff_t>(K)};  // (K, coutG)
  const size_t first = (task % perGroup) * cb.perImage;
  for (size_t blk = first; blk < first + cb.perImage; ++blk) {
    size_t b0, b1, t0, len;
    cb.at(blk, p.n, &b0, &b1, &t0, &len);
    const size_t cols = (b1 - b0) * len;
    for (size_t b = b0; b < b1; ++b)
      for (size_t o = 0; o < coutG; ++o)
        std::memcpy(gyb + o * cols + (b - b0) * len, gy + (b * p.cOut + g * coutG + o) * P + t0, len * sizeof(float));
    if (!mm(K, cols, coutG, 1.0f, wgT, MatRef{gyb, static_cast<ptrdiff_t>(cols), 1}, 0.0f, col, cols)) return false;
    for (size_t b = b0; b < b1; ++b) {
      float* gxb = gx + (b * p.cIn + g * cinG) * planeIn;
      if (t0 == 0 && len == P && col2im2dWhole(col, cinG, p, gxb, cols, (b - b0) * len)) continue;
      if (t0 == 0) std::memset(gxb, 0, cinG * planeIn * sizeof(float));
      col2imAdd2d(col, cinG, p, t0, len, gxb, cols, (b - b0) * len);
    }
  }
  return true;
}

}  // namespace

bool conv2dBackwardInput(const float* gy, const float* w, float* gx, const nt::Conv2dArgs& p) {
  const size_t planeIn = p.inH * p.inW, P = p.outH * p.outW;
  if (p.n == 0 || p.cIn == 0 || planeIn == 0) return true;
  if (p.cOut == 0 || P == 0) {  // nothing flows back (and the kernel may be huge when w is empty)
    std::memset(gx, 0, p.n * p.cIn * planeIn * sizeof(float));
    return true;
  }
  const size_t coutG = p.cOut / p.groups, K = p.cIn / p.groups * p.kH * p.kW;
  const ColBlocks cb(p, K);
  const size_t tasks = p.groups * (cb.count / cb.perImage), colFloats = K * cb.maxCols(), gyFloats = coutG * cb.maxCols();
  if (tasks < static_cast<size_t>(nt::numThreads())) {
    float* col = scratch(kScratchCol, colFloats);
    float* gyb = scratch(kScratchAcc, gyFloats);
    if (col == nullptr || gyb == nullptr) return false;
    for (size_t t = 0; t < tasks; ++t)
      if (!backwardInputTask(gy, w, gx, p, cb, t, col, gyb, gemmThreaded)) return false;
    return true;
  }
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                          static_cast<double>(K) +
                      static_cast<double>(p.n) * static_cast<double>(p.cIn) * static_cast<double>(planeIn);
  int failed = 0;
  nt::parallelFor(tasks, work, [&](size_t t0, size_t t1) {
    float* col = scratch(kScratchCol, colFloats);
    float* gyb = scratch(kScratchAcc, gyFloats);
    for (size_t t = t0; t < t1; ++t)
      if (col == nullptr || gyb == nullptr || !backwardInputTask(gy, w, gx, p, cb, t, col, gyb, gemm))
        return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
