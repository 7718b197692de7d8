// conv2dForward, NCHW layout: x (n, cIn, inH, inW), w (cOut, cIn / groups, kH, kW), bias (cOut) or
// null, y (n, cOut, outH, outW). For output channel o of group g and input channel ci = g * cinG + c:
//   y[b, o, r, s] = bias[o] + sum_{c, i, j} w[o, c, i, j] * x[b, ci, r * strideH - padH + i * dilationH,
//                                                               s * strideW - padW + j * dilationW]
// with x = 0 outside the image. Overwrites y. Aliasing: y must not overlap x, w or bias.
// With at least kDirectMinCin (16) input channels per group, or 1 to 3 and at least a vector of output
// channels (directConv2dForwardApplies; a row stride of 1 or 2), the direct kernel of conv2d-direct.cc
// (output channels in vector lanes, no columns, no GEMM). Otherwise:
// Method (conv2d-common.h): per group and column block (several small images side by side, or part of a
// large one), C = w_g @ col through the packed GEMM (gemm.h), PyTorch's slow_conv2d scheme; a block of
// whole images builds col's packed panels straight from the padded planes (ImplicitCols: an implicit
// GEMM, the columns never stored whole), a part of an image goes through a stored im2col;
// C's rows are copied into y with the bias added (and the relu applied if p.relu) while they are in cache.
// Threads split the (group, block) tasks when there are at least as many as threads, else each GEMM
// runs on the pool (gemmThreaded). Each y element is one GEMM sum plus the bias whatever the blocking, so
// results do not depend on the thread count.
#include "conv2d-common.h"
#include "conv2d-direct.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/**
 * Task `task` = (group, column block) of y; c holds coutG x maxCols floats, kScratchCol K x maxCols (the
 * stored columns, when the block cannot use ImplicitCols); wp: the groups' weights packed ahead, or null.
 */
bool forwardBlock(const float* x, const float* w, const float* wp, const float* bias, float* y,
                  const nt::Conv2dArgs& p, const ColBlocks& cb, size_t task, size_t colFloats, float* c, GemmFns fns) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = cb.P, planeIn = p.inH * p.inW, g = task / cb.count;
  size_t b0, b1, t0, len;
  cb.at(task % cb.count, p.n, &b0, &b1, &t0, &len);
  const size_t cols = (b1 - b0) * len;
  const MatRef wg{w + g * coutG * K, static_cast<ptrdiff_t>(K), 1};
  ImplicitCols ic;
  if (len == P && implicitCols(x, p, g, b0, b1, &ic)) {
    const float* ap = wp != nullptr ? wp + g * gemmPackedASize(coutG, K) : nullptr;
    if (!fns.packed(coutG, cols, K, 1.0f, wg, ap, BPacker{ImplicitCols::pack, &ic}, 0.0f, c, cols)) return false;
  } else {
    float* col = scratch(kScratchCol, colFloats);
    if (col == nullptr) return false;
    for (size_t b = b0; b < b1; ++b) im2col2d(x + (b * p.cIn + g * cinG) * planeIn, cinG, p, t0, len, col, cols, (b - b0) * len);
    if (!fns.mm(coutG, cols, K, 1.0f, wg, MatRef{col, static_cast<ptrdiff_t>(cols), 1}, 0.0f, c, cols)) return false;
  }
  for (size_t b = b0; b < b1; ++b) {
    for (size_t o = 0; o < coutG; ++o) {
      const float bv = bias != nullptr ? bias[g * coutG + o] : 0.0f;
      const float* src = c + o * cols + (b - b0) * len;
      float* dst = y + (b * p.cOut + g * coutG + o) * P + t0;
      if (p.relu) {
        for (size_t i = 0; i < len; ++i) {
          const float v = src[i] + bv;
          dst[i] = v < 0.0f ? 0.0f : v;  // reluForward's `v < 0 ? +0 : v`
        }
      } else {
        for (size_t i = 0; i < len; ++i) dst[i] = src[i] + bv;
      }
    }
  }
  return true;
}

}  // namespace

bool conv2dForward(const float* x, const float* w, const float* bias, float* y, const nt::Conv2dArgs& p) {
  const size_t P = p.outH * p.outW;
  if (p.n == 0 || p.cOut == 0 || P == 0) return true;
  if (directConv2dForwardApplies(p)) {  // many (or 1 to 3) input channels: the direct kernel (conv2d-direct.cc)
    float* wd = scratch(kScratchPackW, directPackedSize(p));
    if (wd == nullptr) return false;
    directPackForward(w, p, wd);
    return directConv2d(x, wd, bias, y, p);
  }
  const size_t coutG = p.cOut / p.groups, K = p.cIn / p.groups * p.kH * p.kW;
  const ColBlocks cb(p, K);
  const size_t tasks = p.groups * cb.count, colFloats = K * cb.maxCols(), cFloats = coutG * cb.maxCols();
  // The weights, packed once here rather than by every block's GEMM (read by all threads).
  const float* wp = packGroupsA(p.groups, coutG, K, MatRef{w, static_cast<ptrdiff_t>(K), 1}, coutG * K);
  if (tasks < static_cast<size_t>(nt::numThreads())) {  // few tasks: thread each GEMM instead
    float* c = scratch(kScratchAcc, cFloats);
    if (c == nullptr) return false;
    for (size_t t = 0; t < tasks; ++t)
      if (!forwardBlock(x, w, wp, bias, y, p, cb, t, colFloats, c, GemmFns{gemmThreaded, gemmPackedThreaded})) return false;
    return true;
  }
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(tasks, work, [&](size_t t0, size_t t1) {
    float* c = scratch(kScratchAcc, cFloats);
    for (size_t t = t0; t < t1; ++t)
      if (c == nullptr || !forwardBlock(x, w, wp, bias, y, p, cb, t, colFloats, c, GemmFns{gemm, gemmPacked}))
        return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
