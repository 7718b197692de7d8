// Direct weight gradient of conv2d (see conv2d-direct.h: directConv2dBackwardWeight), for the
// convolutions whose forward takes the direct kernel (conv2d-direct.cc: at least kDirectMinCin input
// channels per group, stride 1 or 2 along a row). The register blocking follows oneDNN's JIT
// backward-weights convolution (src/cpu/x64/jit_avx512_common_conv_kernel.cpp,
// jit_avx512_common_conv_bwd_weights_kernel_f32: output channels in vector lanes, the accumulators a block
// of weight taps, each input value broadcast and multiplied by the gy vector of every output-channel block,
// reduced over the batch and the output positions), written with vector extensions instead of a JIT:
//
//   for each task (batch chunk, range of taps):
//     for each unit of the chunk (nb whole images, or a pass of output rows of one image), each group g:
//       copy the group's cinG planes of the unit's images into zero-bordered padded planes (unless unpadded)
//       gy's coutG rows of the unit, transposed into gyT [position][output channel, padded to VL]
//       for each chunk of up to MAXV * VL output channels (V vectors)
//         for each block of T taps t = (c, i, j) of the range (T * V <= the accumulator budget)
//           acc[T][V] = the chunk's sums so far (zero on the chunk's first unit)
//           for each output position (image k, row r, column s) of the unit, in order:
//             V loads of gyT[k, r, s][o .. o + V * VL)
//             T broadcasts of x_padded[k][c][r * strideH + i * dilationH][s * strideW + j * dilationW]
//             T * V FMAs
//           acc stored back
//   gw[o, t] = the chunks' sums, added in chunk order
//
// Each weight element is one running sum over the chunk's images and their positions in order, and the
// chunks (kWeightChunks of the batch, fixed) are added in order: the tap ranges and the blocking change
// which element a task computes, never the order of its sum, so results do not depend on the thread
// count. Compared with the GEMM path (conv2d-backward-weight.cc) there is no packing of the columns: x
// is read in place from the padded planes (in L2 for a unit), and gy is transposed once per image
// instead of per GEMM panel.
#include "conv2d-direct.h"

#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

constexpr size_t VL = kDirectVL, kAcc = kDirectAcc, MAXV = kDirectMaxV;

typedef float DVec __attribute__((vector_size(VL * sizeof(float))));

// Floats of gyT of one unit (64 KiB, in L2; 8 Ki and 32 Ki floats measured the same at the bench shapes).
constexpr size_t kUnitFloats = 16 * 1024;

/**
 * acc[t * cp + v * VL + l] += sum over the positions u < np of gyT[u * cp + v * VL + l] * x[tapOff[t] + posOff[u]]
 * for t < T taps, v < V vectors (gyT: the unit's positions, cp floats apart, at the chunk's first channel;
 * acc at its first tap and channel, overwritten instead if `first`; posOff: each position's offset in the
 * planes). One loop over all the positions of the unit (a loop per row of 8 positions cost a tenth of the
 * time in set-up).
 */
template <size_t T, size_t V>
void tapBlock(size_t np, const size_t* __restrict posOff, const float* __restrict x, const size_t* __restrict tapOff,
              const float* __restrict gyT, size_t cp, bool first, float* __restrict acc) {
  DVec a[T][V];
  for (size_t t = 0; t < T; ++t)
    for (size_t v = 0; v < V; ++v) a[t][v] = first ? DVec{} : *reinterpret_cast<const DVec*>(acc + t * cp + v * VL);
  const float* xt[T];
  for (size_t t = 0; t < T; ++t) xt[t] = x + tapOff[t];
  for (size_t u = 0; u < np; ++u, gyT += cp) {
    const size_t off = posOff[u];
    DVec g[V];
    for (size_t v = 0; v < V; ++v) g[v] = *reinterpret_cast<const DVec*>(gyT + v * VL);
    for (size_t t = 0; t < T; ++t) {
      const float xv = xt[t][off];
      for (size_t v = 0; v < V; ++v) a[t][v] += g[v] * xv;
    }
  }
  for (size_t t = 0; t < T; ++t)
    for (size_t v = 0; v < V; ++v) *reinterpret_cast<DVec*>(acc + t * cp + v * VL) = a[t][v];
}

using BlockFn = void (*)(size_t, const size_t*, const float*, const size_t*, const float*, size_t, bool, float*);

// The instance for `taps` taps (1 <= taps <= T) of V vectors.
template <size_t T, size_t V>
BlockFn blockForT(size_t taps) {
  if constexpr (T > 1) {
    if (taps < T) return blockForT<T - 1, V>(taps);
  }
  return tapBlock<T, V>;
}

template <size_t V>
BlockFn blockForV(size_t vecs, size_t taps) {
  if constexpr (V > 1) {
    if (vecs < V) return blockForV<V - 1>(vecs, taps);
  }
  return blockForT<kAcc / V, V>(taps);
}

// Bound of the padded planes of the images of one unit (runTask), in floats: 256 KiB, within L2.
constexpr size_t kUnitPadFloats = 64 * 1024;

// A unit of runTask: nb whole images (their positions swept in one tapBlock call, so the accumulators
// are loaded and stored once per nb images: at 64 -> 64 channels on 8x8 a block of taps met only 64
// positions of one image) or, when one image's gyT passes kUnitFloats, `rows` output rows of one image.
struct Plan {
  const nt::Conv2dArgs& p;
  size_t cinG, coutG, cp, K, planeIn, wp, plane, nb, rows, chunks, parts;
  const size_t* tapOff;  // K offsets into one image's (padded) planes of a group
  bool padded;
  /** Floats between the images of a unit as tapBlock reads them (padded copies, or x in place). */
  size_t imgStride() const { return padded ? cinG * plane : p.cIn * planeIn; }
};

/**
 * Task (chunk ch, tap range [k0, k1)): the chunk's sums of those taps, every group and channel, into
 * acc (the chunk's groups x K x cp floats), through the padded planes buf and the transposed gy gyT;
 * posOff holds the unit's position offsets.
 */
void runTask(const Plan& pl, const float* x, const float* gy, size_t ch, size_t k0, size_t k1, float* acc,
             float* buf, float* gyT, const size_t* posOff) {
  const nt::Conv2dArgs& p = pl.p;
  const size_t P = p.outH * p.outW, q = p.n / pl.chunks, rem = p.n % pl.chunks;
  const size_t b0 = ch * q + minz(ch, rem), b1 = b0 + q + (ch < rem ? 1 : 0);
  for (size_t i0 = b0; i0 < b1; i0 += pl.nb) {
    const size_t i1 = minz(b1, i0 + pl.nb);
    for (size_t g = 0; g < p.groups; ++g) {
      const float* xg = x + (i0 * p.cIn + g * pl.cinG) * pl.planeIn;
      if (pl.padded)
        for (size_t b = i0; b < i1; ++b)
          copyPlaneInteriors(xg + (b - i0) * p.cIn * pl.planeIn, pl.cinG, p, buf + (b - i0) * pl.imgStride());
      const float* src = pl.padded ? buf : xg;
      const float* gyg = gy + (i0 * p.cOut + g * pl.coutG) * P;
      float* accG = acc + g * pl.K * pl.cp;
      for (size_t h0 = 0; h0 < p.outH; h0 += pl.rows) {
        const size_t rows = minz(pl.rows, p.outH - h0), np = (i1 - i0) * rows * p.outW;
        const bool first = i0 == b0 && h0 == 0;  // the chunk's first sums: start from zero
        for (size_t b = i0; b < i1; ++b)
          gatherTransposed(gyg + (b - i0) * p.cOut * P + h0 * p.outW, P, pl.coutG, rows * p.outW,
                           gyT + (b - i0) * P * pl.cp, pl.cp);
        const float* xRows = src + h0 * p.strideH * pl.wp;
        for (size_t o0 = 0; o0 < pl.coutG; o0 += MAXV * VL) {
          const size_t vecs = minz(MAXV, (pl.coutG - o0 + VL - 1) / VL);
          // the range cut into even blocks of at most kAcc / vecs taps
          const size_t tMax = kAcc / vecs, blocks = (k1 - k0 + tMax - 1) / tMax, T = (k1 - k0 + blocks - 1) / blocks;
          for (size_t t0 = k0; t0 < k1; t0 += T) {
            const size_t nt = minz(T, k1 - t0);
            blockForV<MAXV>(vecs, nt)(np, posOff, xRows, pl.tapOff + t0, gyT + o0, pl.cp, first, accG + t0 * pl.cp + o0);
          }
        }
      }
    }
  }
}

}  // namespace

bool directConv2dBackwardWeight(const float* x, const float* gy, float* gw, const nt::Conv2dArgs& p) {
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, K = cinG * p.kH * p.kW;
  const size_t cp = roundUp(coutG, VL), P = p.outH * p.outW, gwLen = p.cOut * K;
  if (p.n == 0 || P == 0 || gwLen == 0) {
    for (size_t i = 0; i < gwLen; ++i) gw[i] = 0.0f;
    return true;
  }
  const bool padded = p.padH != 0 || p.padW != 0;
  const size_t wp = padded ? p.inW + 2 * p.padW : p.inW, plane = padded ? paddedPlane(p) : p.inH * p.inW;
  const size_t* tapOff = tapOffsets(p, plane, wp);
  if (tapOff == nullptr) return false;
  // Chunks of the batch, each split into tap ranges when there are fewer chunks than threads (the ranges
  // change which sums a task forms, not their order).
  const size_t chunks = minz(p.n, kWeightChunks), threads = static_cast<size_t>(nt::numThreads());
  const size_t parts = chunks >= threads ? 1 : minz(K, (threads + chunks - 1) / chunks);
  const size_t accLen = p.groups * K * cp;
  float* part = scratch(kScratchPackW, chunks * accLen);
  if (part == nullptr) return false;
  // Whole images per unit while their gyT and padded planes fit, else output rows of one image.
  const size_t imgPad = padded ? cinG * plane : 0;
  size_t nb = 1, rows = p.outW * cp >= kUnitFloats ? 1 : minz(p.outH, kUnitFloats / (p.outW * cp));
  if (rows == p.outH) {
    nb = minz(kUnitFloats / (P * cp), (p.n + chunks - 1) / chunks);
    if (imgPad != 0) nb = minz(nb, kUnitPadFloats / imgPad);
    nb = nb == 0 ? 1 : nb;
  }
  const Plan pl{p, cinG, coutG, cp, K, p.inH * p.inW, wp, plane, nb, rows, chunks, parts, tapOff, padded};
  const size_t unitPos = nb * rows * p.outW;
  const double work = 2.0 * static_cast<double>(p.n) * static_cast<double>(p.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(chunks * parts, work, [&](size_t i0, size_t i1) {
    float* buf = padded ? scratch(kScratchPad, nb * imgPad) : nullptr;
    float* gyT = scratch(kScratchAcc, unitPos * cp);
    // size_t offsets in a float scratch slot (2 floats each)
    size_t* posOff = reinterpret_cast<size_t*>(scratch(kScratchTail, unitPos * (sizeof(size_t) / sizeof(float))));
    if ((padded && buf == nullptr) || gyT == nullptr || posOff == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    // Borders zeroed once (the images overwrite only the interiors); gyT's padding lanes past coutG too
    // (gatherTransposed writes the first coutG of each position; the padding lanes' sums are dropped).
    if (padded) std::memset(buf, 0, nb * imgPad * sizeof(float));
    std::memset(gyT, 0, unitPos * cp * sizeof(float));
    // position u = (image k, row r, column s) of a unit reads x at k * imgStride + r * strideH * wp + s * strideW
    for (size_t k = 0, u = 0; k < nb; ++k)
      for (size_t r = 0; r < rows; ++r)
        for (size_t s = 0; s < p.outW; ++s, ++u) posOff[u] = k * pl.imgStride() + r * p.strideH * wp + s * p.strideW;
    for (size_t i = i0; i < i1; ++i) {
      const size_t ch = i / parts, r = i % parts;
      runTask(pl, x, gy, ch, K * r / parts, K * (r + 1) / parts, part + ch * accLen, buf, gyT, posOff);
    }
  });
  if (failed != 0) return false;
  // The chunks' sums added into chunk 0's in chunk order (contiguous vectors), then [g][t][o] -> gw[g][o][t].
  for (size_t ch = 1; ch < chunks; ++ch) {
    const float* src = part + ch * accLen;
    for (size_t i = 0; i < accLen; i += VL)
      *reinterpret_cast<DVec*>(part + i) += *reinterpret_cast<const DVec*>(src + i);
  }
  for (size_t g = 0; g < p.groups; ++g) gatherTransposed(part + g * K * cp, cp, K, coutG, gw + g * coutG * K, K);
  return true;
}

}  // namespace NT_ISA_NS
