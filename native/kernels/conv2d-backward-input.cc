// conv2dBackwardInput, NCHW layout: gy (n, cOut, outH, outW), w (cOut, cIn / groups, kH, kW) ->
// gx (n, cIn, inH, inW):
//   gx[b, ci, h, v] = sum over (o, r, s, i, j) with r * strideH - padH + i * dilationH = h and
//                     s * strideW - padW + j * dilationW = v of w[o, c, i, j] * gy[b, o, r, s]
// (ci = g * cinG + c, o in group g). Overwrites gx. Aliasing: gx must not overlap gy or w.
// Stride 1 with at least 16 input and output channels per group: gx is the forward convolution of gy with the
// flipped, transposed weights (padding dilation * (k - 1) - pad), run by conv2d-direct.cc. Otherwise:
// Method (conv2d-common.h): per group and column block (several small images side by side, or part of a
// large one), gcol (K, cols) = w_g^T @ gy_block through the packed GEMM (gemm.h), its B panels packed
// straight from gy's rows and w_g^T packed once per call, then col2im adds gcol into the zeroed gx planes. A task is one group and whole images (so
// no two threads add into one plane): threads split the tasks, or run each GEMM when there are fewer tasks
// than threads; results do not depend on the thread count.
#include "conv2d-common.h"
#include "conv2d-direct.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/**
 * The gy rows of images [b0, b1), positions [t0, t0 + len) of each, group g, as the GEMM's B (coutG, cols):
 * its packed panels read straight from gy (ImplicitCols with one "tap" per output channel, at o * P, and
 * an image's len positions as one output row), with no gathered copy. tapOff: coutG entries.
 */
ImplicitCols gyCols(const float* gy, const nt::Conv2dArgs& p, size_t g, size_t b0, size_t t0, size_t len,
                    size_t* tapOff) {
  const size_t coutG = p.cOut / p.groups, P = p.outH * p.outW;
  for (size_t o = 0; o < coutG; ++o) tapOff[o] = o * P;
  ImplicitCols s;
  s.base = gy + (b0 * p.cOut + g * coutG) * P + t0;
  s.tapOff = tapOff;
  s.imgStride = p.cOut * P;
  s.wp = 0;
  s.P = s.outW = len;
  s.strideH = 0;
  s.strideW = 1;
  return s;
}

/**
 * The blocks of task `task` = (group, images); col holds K x maxCols floats, tapOff coutG offsets; wp: the
 * groups' w^T packed ahead, or null.
 */
bool backwardInputTask(const float* gy, const float* w, const float* wp, float* gx, const nt::Conv2dArgs& p,
                       const ColBlocks& cb, size_t task, float* col, size_t* tapOff, GemmPackedFn mm) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = cb.P, planeIn = p.inH * p.inW, perGroup = cb.count / cb.perImage, g = task / perGroup;
  const MatRef wgT{w + g * coutG * K, 1, static_cast<ptrdiff_t>(K)};  // (K, coutG)
  const float* ap = wp != nullptr ? wp + g * gemmPackedASize(K, coutG) : nullptr;
  const size_t first = (task % perGroup) * cb.perImage;
  for (size_t blk = first; blk < first + cb.perImage; ++blk) {
    size_t b0, b1, t0, len;
    cb.at(blk, p.n, &b0, &b1, &t0, &len);
    const size_t cols = (b1 - b0) * len;
    const ImplicitCols gyb = gyCols(gy, p, g, b0, t0, len, tapOff);
    if (!mm(K, cols, coutG, 1.0f, wgT, ap, BPacker{ImplicitCols::pack, &gyb}, 0.0f, col, cols)) return false;
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
  nt::Conv2dArgs q;  // stride 1 with many input channels (q's outputs): gx = a direct forward conv of gy
  if (directBackwardArgs(p, &q) && directConv2dApplies(q) && p.cIn / p.groups >= kDirectMinCin) {
    float* wd = scratch(kScratchPackW, directPackedSize(q));
    if (wd == nullptr) return false;
    directPackBackwardInput(w, p, wd);
    return directConv2d(gy, wd, nullptr, gx, q);
  }
  const size_t coutG = p.cOut / p.groups, K = p.cIn / p.groups * p.kH * p.kW;
  const ColBlocks cb(p, K);
  const size_t tasks = p.groups * (cb.count / cb.perImage), colFloats = K * cb.maxCols();
  const size_t tapFloats = coutG * (sizeof(size_t) / sizeof(float));  // size_t offsets in a float slot
  // w^T, packed once here rather than by every block's GEMM (read by all threads).
  const float* wp = packGroupsA(p.groups, K, coutG, MatRef{w, 1, static_cast<ptrdiff_t>(K)}, coutG * K);
  if (tasks < static_cast<size_t>(nt::numThreads())) {
    float* col = scratch(kScratchCol, colFloats);
    size_t* tapOff = reinterpret_cast<size_t*>(scratch(kScratchTail, tapFloats));
    if (col == nullptr || tapOff == nullptr) return false;
    for (size_t t = 0; t < tasks; ++t)
      if (!backwardInputTask(gy, w, wp, gx, p, cb, t, col, tapOff, gemmPackedThreaded)) return false;
    return true;
  }
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                          static_cast<double>(K) +
                      static_cast<double>(p.n) * static_cast<double>(p.cIn) * static_cast<double>(planeIn);
  int failed = 0;
  nt::parallelFor(tasks, work, [&](size_t t0, size_t t1) {
    float* col = scratch(kScratchCol, colFloats);
    size_t* tapOff = reinterpret_cast<size_t*>(scratch(kScratchTail, tapFloats));
    for (size_t t = t0; t < t1; ++t)
      if (col == nullptr || tapOff == nullptr || !backwardInputTask(gy, w, wp, gx, p, cb, t, col, tapOff, gemmPacked))
        return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
