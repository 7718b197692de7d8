// conv2dBackwardWeight, NCHW layout: x (n, cIn, inH, inW), gy (n, cOut, outH, outW) ->
// gw (cOut, cIn / groups, kH, kW) and, if gb is not null, gb (cOut):
//   gw[o, c, i, j] = sum_{b, r, s} gy[b, o, r, s] * x[b, ci, r * strideH - padH + i * dilationH,
//                                                       s * strideW - padW + j * dilationW]
//   gb[o]          = sum_{b, r, s} gy[b, o, r, s]
// Overwrites gw and gb. Aliasing: gw and gb must not overlap x, gy or each other.
// Method: the batch is cut into at most kChunks fixed chunks (independent of the thread count, so
// results are too); each chunk's sums are kept apart and added in chunk order at the end. Within a chunk,
// per group and column block (several small images side by side, or part of a large one, conv2d-common.h):
// for blocks of whole images, gw_g (coutG, K) += gy_block (coutG, cols) @ col^T through the packed GEMM
// (gemm.h) with both operands packed in place (chunkSumsImplicit: A from gy's rows, B from the padded planes,
// the implicit-GEMM scheme of the forward), C written straight into gw; blocks that cut an image (or
// whose padded planes are too large) take gw_g^T += col (K, cols) @ gy_block^T after a stored im2col, the
// gy rows gathered transposed (see chunkSums). Threads split the chunks, or run each GEMM when there are
// fewer chunks than threads. gb: conv-bias-grad.h.
// Convolutions the direct forward kernel takes (directConv2dApplies: at least 16 input channels per group,
// stride 1 or 2 along a row) take the direct weight gradient of conv2d-direct-weight.cc instead.
// Few input channels (K = cinG * kH * kW <= kDirect2dMaxK, e.g. 1 or 3 -> 16 at 3x3: gw is 16 x 9 or 16 x 27,
// a long reduction over n * outH * outW) take the direct path instead, as conv1d's backward-weight does
// (conv1d-direct.h): per chunk one SIMD vector of partial sums per gw element; per batch item, group and
// block of positions, the columns are built by im2col and the lane-wise dot products of the gy rows (read
// in place, contiguous) with the K column rows are added (no transposed gy gather, no GEMM packing for a
// 16 x 27 result); the lanes are summed once per chunk, the chunks in chunk order.
#include "conv-bias-grad.h"
#include "conv1d-direct.h"
#include "conv2d-common.h"
#include "conv2d-direct.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

constexpr size_t kChunks = kWeightChunks;

/**
 * The gy rows of a block of whole images, group g, as the GEMM's A (coutG, cols) (gemm.h's APacker): column
 * q is image q / P, position q % P, so the packed panels are read from gy in place (no transposed gather).
 */
struct GyRows {
  const float* base;  // gy at (image b0, channel g * coutG, position 0)
  size_t imgStride, P;

  static void pack(const void* ctx, size_t r0, size_t rows, size_t t0, size_t kc, size_t mr, float* ap) {
    const GyRows& s = *static_cast<const GyRows*>(ctx);
    size_t img = t0 / s.P, pos = t0 - img * s.P;
    for (size_t d = 0; d < kc; ++img, pos = 0) {  // one run per image
      const size_t len = minz(s.P - pos, kc - d);
      const float* src = s.base + img * s.imgStride + r0 * s.P + pos;
      for (size_t v = 0; v < len; ++v)
        for (size_t r = 0; r < rows; ++r) ap[(d + v) * mr + r] = src[r * s.P + v];
      d += len;
    }
  }
};

/**
 * The columns of a block of whole images transposed, (cols, K), as the GEMM's B (a BPacker over conv2d's
 * ImplicitCols): a panel row is one output position, its NR columns NR taps read from the (padded) planes,
 * so neither the im2col block nor a transposed copy is stored.
 */
void packColsT(const void* ctx, size_t t0, size_t kc, size_t c0, size_t cols, size_t padded, size_t nr, float* bp) {
  const ImplicitCols& s = *static_cast<const ImplicitCols*>(ctx);
  const float* taps[kGemmMaxPanelCols];
  for (size_t c = 0; c < cols; ++c) taps[c] = s.base + s.tapOff[c0 + c];
  size_t img = t0 / s.P, pos = t0 - img * s.P, r = pos / s.outW, col = pos - r * s.outW;
  for (size_t d = 0; d < kc;) {  // output-row runs
    const size_t len = minz(s.outW - col, kc - d);
    const size_t off = img * s.imgStride + r * s.strideH * s.wp + col * s.strideW;
    // 4 taps x 4 positions through registers when the positions are contiguous (a scalar gather per
    // element cost more than the stored im2col and its packing did at 16 -> 32 channels), the rest one by one
    const size_t len4 = s.strideW == 1 ? len / 4 * 4 : 0, cols4 = cols / 4 * 4;
    for (size_t c = 0; c < cols4; c += 4) {
      const float *t0 = taps[c] + off, *t1 = taps[c + 1] + off, *t2 = taps[c + 2] + off, *t3 = taps[c + 3] + off;
      for (size_t v = 0; v < len4; v += 4)
        transpose4(*reinterpret_cast<const F4U*>(t0 + v), *reinterpret_cast<const F4U*>(t1 + v),
                   *reinterpret_cast<const F4U*>(t2 + v), *reinterpret_cast<const F4U*>(t3 + v), bp + (d + v) * nr + c, nr);
    }
    for (size_t v = 0; v < len; ++v) {
      float* dst = bp + (d + v) * nr;
      const size_t o = off + v * s.strideW;
      for (size_t c = v < len4 ? cols4 : 0; c < cols; ++c) dst[c] = taps[c][o];
      for (size_t c = cols; c < padded; ++c) dst[c] = 0.0f;
    }
    d += len;
    col += len;
    if (col == s.outW) {
      col = 0;
      if (++r * s.outW == s.P) r = 0, ++img;
    }
  }
}

/** A GEMM entry point with both operands packed by their packers: gemmPackedAB or gemmPackedABThreaded. */
typedef bool (*GemmABFn)(size_t, size_t, size_t, float, const APacker&, const BPacker&, float, float*, size_t);

/**
 * Whether chunkSums can take the implicit path: every block holds whole images (ColBlocks::perImage 1) and
 * a block's padded planes fit conv2d-common.h's bound.
 */
bool implicitFits(const nt::Conv2dArgs& p, const ColBlocks& cb) {
  const bool padded = p.padH != 0 || p.padW != 0;
  return cb.perImage == 1 && (!padded || cb.nb * (p.cIn / p.groups) * paddedPlane(p) <= kPadFloats);
}

/**
 * chunkSums' implicit path (implicitFits): per block of whole images and group, gw_g (coutG, K) +=
 * gy_block (coutG, cols) @ col^T (cols, K), A packed from gy in place (GyRows), B from the planes
 * (packColsT), C written straight into dst (no gwt to transpose).
 */
bool chunkSumsImplicit(const float* x, const float* gy, float* dst, const nt::Conv2dArgs& p, const ColBlocks& cb,
                       size_t b0, size_t b1, GemmABFn mm) {
  const size_t coutG = p.cOut / p.groups, K = p.cIn / p.groups * p.kH * p.kW, P = cb.P;
  for (size_t i0 = b0; i0 < b1; i0 += cb.nb) {
    const size_t i1 = minz(b1, i0 + cb.nb);
    for (size_t g = 0; g < p.groups; ++g) {
      ImplicitCols ic;
      if (!implicitCols(x, p, g, i0, i1, &ic)) return false;
      const GyRows gr{gy + (i0 * p.cOut + g * coutG) * P, p.cOut * P, P};
      if (!mm(coutG, K, (i1 - i0) * P, 1.0f, APacker{GyRows::pack, &gr}, BPacker{packColsT, &ic},
              i0 == b0 ? 0.0f : 1.0f, dst + g * coutG * K, K))
        return false;
    }
  }
  return true;
}

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
          gatherTransposed(gy + (b * p.cOut + g * coutG) * P + t0, P, coutG, len, gyt + (b - i0) * len * coutG, coutG);
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

/**
 * Largest K the direct path takes. Its dot-product tiles (4 gy rows x 3 column rows) reuse each load
 * less than the GEMM's micro-kernel, so it wins only while the GEMM's fixed costs (packing, the gy
 * transpose, 16 x K edge tiles) dominate: 1 and 3 input channels at 3x3.
 */
constexpr size_t kDirect2dMaxK = 32;

/**
 * The direct path (K <= kDirect2dMaxK; gb is summed separately by biasGrad). Chunk ch's sums go to
 * part[ch] (gwLen floats): the caller's scratch, summed in chunk order into gw. The column blocks hold
 * posCols positions of one image (the whole image when it fits), im2col'd with row stride = the block.
 */
bool backwardWeightDirect(const float* x, const float* gy, float* gw, const nt::Conv2dArgs& p) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t gwLen = p.cOut * K, P = p.outH * p.outW, planeIn = p.inH * p.inW;
  const size_t posCols = minz(P, roundUp(kColFloats / K, 16));
  const size_t chunks = minz(p.n, kChunks);
  float* part = scratch(kScratchPackW, chunks * gwLen);
  if (part == nullptr) return false;
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(chunks, work, [&](size_t c0, size_t c1) {
    float* col = scratch(kScratchCol, K * posCols);
    VecF* acc = reinterpret_cast<VecF*>(scratch(kScratchAcc, gwLen * kVecLen));
    if (col == nullptr || acc == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    const float* rows[kDirect2dMaxK];
    const float* gyRows[kDirectMaxK];
    for (size_t ch = c0; ch < c1; ++ch) {
      const size_t q = p.n / chunks, rem = p.n % chunks;
      const size_t b0 = ch * q + minz(ch, rem), b1 = b0 + q + (ch < rem ? 1 : 0);
      for (size_t i = 0; i < gwLen; ++i) acc[i] = VecF{};
      for (size_t task = b0 * p.groups; task < b1 * p.groups; ++task) {
        const size_t b = task / p.groups, g = task % p.groups;
        const float* xg = x + (b * p.cIn + g * cinG) * planeIn;
        const float* gyg = gy + (b * p.cOut + g * coutG) * P;
        // the next (item, group)'s gy rows, then its input planes, into L2 during this one's dot products
        Prefetcher pf;
        if (task + 1 < p.n * p.groups) {
          const size_t bn = (task + 1) / p.groups, gn = (task + 1) % p.groups;
          pf = Prefetcher(gy + (bn * p.cOut + gn * coutG) * P, coutG * P, x + (bn * p.cIn + gn * cinG) * planeIn,
                          cinG * planeIn);
        }
        for (size_t t0 = 0; t0 < P; t0 += posCols) {
          const size_t tb = minz(posCols, P - t0);
          im2col2d(xg, cinG, p, t0, tb, col, tb, 0);
          for (size_t kk = 0; kk < K; ++kk) rows[kk] = col + kk * tb;
          for (size_t o0 = 0; o0 < coutG; o0 += kDirectMaxK) {
            const size_t mo = minz(kDirectMaxK, coutG - o0);
            for (size_t o = 0; o < mo; ++o) gyRows[o] = gyg + (o0 + o) * P + t0;
            dotAccumulate(mo, K, tb, gyRows, rows, acc + (g * coutG + o0) * K, pf);
          }
        }
      }
      float* dst = part + ch * gwLen;
      for (size_t i = 0; i < gwLen; ++i) dst[i] = hsum(acc[i]);
    }
  });
  if (failed != 0) return false;
  for (size_t i = 0; i < gwLen; ++i) {
    float s = part[i];
    for (size_t ch = 1; ch < chunks; ++ch) s += part[ch * gwLen + i];
    gw[i] = s;
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
  if (directConv2dApplies(p)) return directConv2dBackwardWeight(x, gy, gw, p);
  if (K <= kDirect2dMaxK) return backwardWeightDirect(x, gy, gw, p);
  const size_t chunks = minz(p.n, kChunks);
  float* partial = nullptr;
  if (chunks > 1) {
    partial = static_cast<float*>(std::malloc((chunks - 1) * gwLen * sizeof(float)));
    if (partial == nullptr) return false;
  }
  const ColBlocks cb(p, K);
  const size_t colFloats = K * cb.maxCols(), gyFloats = p.cOut / p.groups * cb.maxCols();
  const bool threadGemm = chunks < static_cast<size_t>(nt::numThreads()), implicit = implicitFits(p, cb);
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  auto run = [&](size_t c0, size_t c1) {
    float *col = nullptr, *gyt = nullptr, *gwt = nullptr;
    if (!implicit) {
      col = scratch(kScratchCol, colFloats);
      gyt = scratch(kScratchAcc, gyFloats);
      gwt = scratch(kScratchTail, gwLen);
      if (col == nullptr || gyt == nullptr || gwt == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    }
    for (size_t ch = c0; ch < c1; ++ch) {
      const size_t q = p.n / chunks, rem = p.n % chunks;
      const size_t b0 = ch * q + minz(ch, rem), b1 = b0 + q + (ch < rem ? 1 : 0);
      float* dst = ch == 0 ? gw : partial + (ch - 1) * gwLen;
      const bool ok = implicit ? chunkSumsImplicit(x, gy, dst, p, cb, b0, b1, threadGemm ? gemmPackedABThreaded : gemmPackedAB)
                               : chunkSums(x, gy, dst, p, cb, b0, b1, col, gyt, gwt, threadGemm ? gemmThreaded : gemm);
      if (!ok) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
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
