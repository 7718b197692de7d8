// conv2dForward, NCHW layout: x (n, cIn, inH, inW), w (cOut, cIn / groups, kH, kW), bias (cOut) or
// null, y (n, cOut, outH, outW). For output channel o of group g and input channel ci = g * cinG + c:
//   y[b, o, r, s] = bias[o] + sum_{c, i, j} w[o, c, i, j] * x[b, ci, r * strideH - padH + i * dilationH,
//                                                               s * strideW - padW + j * dilationW]
// with x = 0 outside the image. Overwrites y. Aliasing: y must not overlap x, w or bias.
// Method (conv2d-common.h): per group and column block (several small images side by side, or part of a
// large one), C = w_g @ col through the packed GEMM (gemm.h), PyTorch's slow_conv2d scheme; a block of
// whole images builds col's packed panels straight from the padded planes (ImplicitCols: an implicit
// GEMM, the columns never stored whole), a part of an image goes through a stored im2col;
// the GEMM hands C tile by tile to YWriter, which writes it into y's planes with the bias added (and the
// relu applied if p.relu): C is never stored whole.
// Threads split the (group, block) tasks when there are at least as many as threads, else each GEMM
// runs on the pool (gemmThreaded). Each y element is one GEMM sum plus the bias whatever the blocking, so
// results do not depend on the thread count.
#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/**
 * The GEMM's C of one column block written straight into y's planes (gemm.h's CWriter): column q is image
 * q / len, position q % len of the block's run, row o output channel o of the group; the bias is added and
 * the relu applied when the last k block lands, so C is never stored and copied (7-13% of the forward at
 * 64 -> 64 channels on 8x8). Each element gets the same operations as the stored C plus the copy did.
 */
struct YWriter {
  float* base;        // y at (image b0, channel g * coutG, position t0)
  const float* bias;  // the group's bias, or null
  size_t len, imgStride, rowStride;  // positions per image in the block; y's image and channel strides
  bool relu;

  static void write(const void* ctx, size_t r0, size_t rows, size_t c0, size_t cols, const float* tile, size_t ldt,
                    bool first, bool last) {
    const YWriter& s = *static_cast<const YWriter*>(ctx);
    ImplicitCols::Run runs[kGemmMaxPanelCols];  // the tile's columns as runs within one image
    size_t nRuns = 0;
    for (size_t d = 0, img = c0 / s.len, pos = c0 - img * s.len; d < cols; ++img, pos = 0) {
      const size_t n = minz(s.len - pos, cols - d);
      runs[nRuns++] = ImplicitCols::Run{d, img * s.imgStride + pos, n};
      d += n;
    }
    for (size_t r = 0; r < rows; ++r) {
      const size_t o = r0 + r;
      const float bv = s.bias != nullptr ? s.bias[o] : 0.0f;  // + 0 as before: -0 becomes +0
      const float* t = tile + r * ldt;
      for (size_t k = 0; k < nRuns; ++k) {
        const ImplicitCols::Run& u = runs[k];
        const float* src = t + u.d;
        float* dst = s.base + o * s.rowStride + u.src;
        if (!last) {
          if (first) {
            copyRun(dst, src, u.len);
          } else {
            addRun(dst, src, u.len);
          }
          continue;
        }
        for (size_t i = 0; i < u.len; ++i) {
          float v = (first ? src[i] : src[i] + dst[i]) + bv;
          if (s.relu) v = v < 0.0f ? 0.0f : v;  // reluForward's `v < 0 ? +0 : v`
          dst[i] = v;
        }
      }
    }
  }
};

/**
 * Task `task` = (group, column block) of y; kScratchCol holds K x maxCols floats (the stored columns, when
 * the block cannot use ImplicitCols); wp: the groups' weights packed ahead, or null.
 */
bool forwardBlock(const float* x, const float* w, const float* wp, const float* bias, float* y,
                  const nt::Conv2dArgs& p, const ColBlocks& cb, size_t task, size_t colFloats, GemmToFn gemmTo) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t P = cb.P, planeIn = p.inH * p.inW, g = task / cb.count;
  size_t b0, b1, t0, len;
  cb.at(task % cb.count, p.n, &b0, &b1, &t0, &len);
  const size_t cols = (b1 - b0) * len;
  const MatRef wg{w + g * coutG * K, static_cast<ptrdiff_t>(K), 1};
  const float* ap = wp != nullptr ? wp + g * gemmPackedASize(coutG, K) : nullptr;
  const YWriter yw{y + (b0 * p.cOut + g * coutG) * P + t0, bias != nullptr ? bias + g * coutG : nullptr, len,
                   p.cOut * P, P, p.relu};
  const CWriter out{YWriter::write, &yw};
  ImplicitCols ic;
  if (len == P && implicitCols(x, p, g, b0, b1, &ic)) return gemmTo(coutG, cols, K, 1.0f, wg, ap, BPacker{ImplicitCols::pack, &ic}, out);
  float* col = scratch(kScratchCol, colFloats);
  if (col == nullptr) return false;
  for (size_t b = b0; b < b1; ++b) im2col2d(x + (b * p.cIn + g * cinG) * planeIn, cinG, p, t0, len, col, cols, (b - b0) * len);
  const MatRef colRef{col, static_cast<ptrdiff_t>(cols), 1};
  return gemmTo(coutG, cols, K, 1.0f, wg, ap, matRefPacker(&colRef), out);
}

}  // namespace

bool conv2dForward(const float* x, const float* w, const float* bias, float* y, const nt::Conv2dArgs& p) {
  const size_t P = p.outH * p.outW;
  if (p.n == 0 || p.cOut == 0 || P == 0) return true;
  const size_t coutG = p.cOut / p.groups, K = p.cIn / p.groups * p.kH * p.kW;
  const ColBlocks cb(p, K);
  const size_t tasks = p.groups * cb.count, colFloats = K * cb.maxCols();
  // The weights, packed once here rather than by every block's GEMM (read by all threads).
  const float* wp = packGroupsA(p.groups, coutG, K, MatRef{w, static_cast<ptrdiff_t>(K), 1}, coutG * K);
  if (tasks < static_cast<size_t>(nt::numThreads())) {  // few tasks: thread each GEMM instead
    for (size_t t = 0; t < tasks; ++t)
      if (!forwardBlock(x, w, wp, bias, y, p, cb, t, colFloats, gemmPackedToThreaded)) return false;
    return true;
  }
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(tasks, work, [&](size_t t0, size_t t1) {
    for (size_t t = t0; t < t1; ++t)
      if (!forwardBlock(x, w, wp, bias, y, p, cb, t, colFloats, gemmPackedTo))
        return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
