// Direct convolution (see conv2d-direct.h), the register blocking of oneDNN's JIT convolutions
// (src/cpu/x64/jit_avx512_common_conv_kernel.cpp: output channels in vector lanes, a strip of output
// columns of one row in the accumulators, each input value broadcast once and multiplied by the weight
// vectors of every output-channel block), written with vector extensions instead of a JIT:
//
//   for each task (image b, group g, block of output rows):
//     pad the group's cinG planes of image b into scratch (zero borders), unless there is no padding
//     for each chunk of up to MAXV * VL output channels (V vectors)
//       for each output row, for each strip of R output columns (R * V <= the accumulator budget)
//         acc[R][V] = 0
//         for each tap t = (c, i, j) of the K = cinG * kH * kW taps, in order:
//           V aligned loads of the packed weights wp[t][o .. o + V * VL)
//           R broadcasts of x_padded[c][row * strideH + i * dilationH][col * strideW + j * dilationW]
//           R * V FMAs
//         the R x V * VL tile, transposed to NCHW, is stored into y with the bias (and the relu)
//
// The weights are packed once per call, [group][tap][output channel padded to a multiple of VL], so a
// tap's weight vectors are contiguous; the input needs no packing (the broadcasts read the padded planes
// in place, a row's strip at constant offsets). Per tap the kernel loads V vectors and R scalars for R * V
// FMAs, with no k blocking (each output is one sum over all K taps, written once) and no columns matrix;
// the padded planes of one image (at 64 channels of 10 x 10: 25 KiB) stay in L1, a chunk's weights in L2.
// Lanes are wasted only on a last chunk of fewer than VL channels. The strips of a row are cut evenly
// (8 columns at 4 vectors: 4 + 4, not 6 + 2). Each output element is the same sum (taps in order, then
// + bias) whatever the tasks, so results do not depend on the thread count.
#include "conv2d-direct.h"

#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

#if defined(NT_ISA_AVX512)
// 32 zmm: up to 24 accumulators, 4 weight vectors (64 channels), a broadcast.
constexpr size_t VL = 16, kAcc = 24, MAXV = 4;
#else
// 16 ymm / xmm: up to 12 accumulators, 2 weight vectors, a broadcast.
constexpr size_t VL = kVecLen, kAcc = 12, MAXV = 2;
#endif

typedef float DVec __attribute__((vector_size(VL * sizeof(float))));
typedef float DVecU __attribute__((vector_size(VL * sizeof(float)), aligned(4), may_alias));

// One strip: tile[r][v * VL + l] = sum over taps t of x[tapOff[t] + r * SW] * w[t * cp + v * VL + l].
// SW (the stride along a row, 1 or 2) is a template argument so the R broadcasts sit at constant offsets.
template <size_t R, size_t V, size_t SW>
void strip(size_t K, const size_t* __restrict tapOff, const float* __restrict x, const float* __restrict w, size_t cp,
           float* __restrict tile) {
  DVec acc[R][V];
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < V; ++v) acc[r][v] = DVec{};
  for (size_t t = 0; t < K; ++t, w += cp) {
    const float* xt = x + tapOff[t];
    DVec wv[V];
    for (size_t v = 0; v < V; ++v) wv[v] = *reinterpret_cast<const DVec*>(w + v * VL);
    for (size_t r = 0; r < R; ++r) {
      const float xr = xt[r * SW];
      for (size_t v = 0; v < V; ++v) acc[r][v] += wv[v] * xr;
    }
  }
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < V; ++v) *reinterpret_cast<DVecU*>(tile + (r * V + v) * VL) = acc[r][v];
}

using StripFn = void (*)(size_t, const size_t*, const float*, const float*, size_t, float*);

// The instance for `rows` columns (1 <= rows <= R) of V vectors.
template <size_t R, size_t V, size_t SW>
StripFn stripFor(size_t cols) {
  if constexpr (R > 1) {
    if (cols < R) return stripFor<R - 1, V, SW>(cols);
  }
  return strip<R, V, SW>;
}

template <size_t V, size_t SW>
StripFn stripForV(size_t vecs, size_t cols) {
  if constexpr (V > 1) {
    if (vecs < V) return stripForV<V - 1, SW>(vecs, cols);
  }
  return stripFor<kAcc / V, V, SW>(cols);
}

StripFn stripKernel(size_t vecs, size_t cols, size_t sw) {
  return sw == 1 ? stripForV<MAXV, 1>(vecs, cols) : stripForV<MAXV, 2>(vecs, cols);
}

/** Output channels padded to whole vectors. */
size_t paddedCout(const nt::Conv2dArgs& q) { return roundUp(q.cOut / q.groups, VL); }

/** Taps per output element. */
size_t taps(const nt::Conv2dArgs& q) { return q.cIn / q.groups * q.kH * q.kW; }

struct Task {
  size_t b, g, r0, r1;  // image, group, output rows [r0, r1)
};

struct Plan {
  const nt::Conv2dArgs& q;
  size_t cinG, coutG, cp, K, rowBlocks;
  const size_t* tapOff;  // K offsets into one image's (padded) planes of a group
  Task at(size_t i) const {
    const size_t rb = i % rowBlocks, bg = i / rowBlocks;
    return Task{bg / q.groups, bg % q.groups, rb * q.outH / rowBlocks, (rb + 1) * q.outH / rowBlocks};
  }
};

// The tile of a strip (R columns, V vectors: `vecs` * VL channels from o0, `cols` columns from s0 of row
// oh) into y's planes with the bias and relu; lanes past coutG are dropped.
void storeTile(const Plan& pl, const float* tile, size_t vecs, size_t cols, size_t o0, size_t oh, size_t s0,
               const float* bias, float* yImg) {
  const nt::Conv2dArgs& q = pl.q;
  const size_t P = q.outH * q.outW, nOut = minz(vecs * VL, pl.coutG - o0);
  for (size_t l = 0; l < nOut; ++l) {
    const float bv = bias != nullptr ? bias[o0 + l] : 0.0f;
    float* dst = yImg + (o0 + l) * P + oh * q.outW + s0;
    const float* src = tile + l;
    if (q.relu) {
      for (size_t r = 0; r < cols; ++r) {
        const float v = src[r * vecs * VL] + bv;
        dst[r] = v < 0.0f ? 0.0f : v;  // reluForward's `v < 0 ? +0 : v`
      }
    } else {
      for (size_t r = 0; r < cols; ++r) dst[r] = src[r * vecs * VL] + bv;
    }
  }
}

// Rows [r0, r1) of image b, group g, from its (padded) planes src (row pitch wp).
void runTask(const Plan& pl, const Task& t, const float* src, size_t wp, const float* wpk, const float* bias, float* y) {
  const nt::Conv2dArgs& q = pl.q;
  const size_t P = q.outH * q.outW;
  float* yImg = y + (t.b * q.cOut + t.g * pl.coutG) * P;
  const float* wg = wpk + t.g * pl.K * pl.cp;
  const float* bg = bias != nullptr ? bias + t.g * pl.coutG : nullptr;
  alignas(64) float tile[kAcc * VL];
  for (size_t o0 = 0; o0 < pl.coutG; o0 += MAXV * VL) {
    const size_t vecs = minz(MAXV, (pl.coutG - o0 + VL - 1) / VL);
    const size_t rMax = kAcc / vecs, strips = (q.outW + rMax - 1) / rMax, R = (q.outW + strips - 1) / strips;
    for (size_t oh = t.r0; oh < t.r1; ++oh) {
      const float* row = src + oh * q.strideH * wp;
      for (size_t s0 = 0; s0 < q.outW; s0 += R) {
        const size_t cols = minz(R, q.outW - s0);
        stripKernel(vecs, cols, q.strideW)(pl.K, pl.tapOff, row + s0 * q.strideW, wg + o0, pl.cp, tile);
        storeTile(pl, tile, vecs, cols, o0, oh, s0, bg, yImg);
      }
    }
  }
}

}  // namespace

bool directConv2dApplies(const nt::Conv2dArgs& q) {
  const size_t cinG = q.cIn / q.groups;
  return cinG >= kDirectMinCin && (q.strideW == 1 || q.strideW == 2) && cinG * paddedPlane(q) <= kPadFloats;
}

size_t directPackedSize(const nt::Conv2dArgs& q) { return q.groups * taps(q) * paddedCout(q); }

void directPackForward(const float* w, const nt::Conv2dArgs& q, float* wp) {
  const size_t coutG = q.cOut / q.groups, K = taps(q), cp = paddedCout(q);
  for (size_t g = 0; g < q.groups; ++g) {
    float* dst = wp + g * K * cp;
    const float* src = w + g * coutG * K;
    for (size_t t = 0; t < K; ++t) {
      for (size_t o = 0; o < coutG; ++o) dst[t * cp + o] = src[o * K + t];
      for (size_t o = coutG; o < cp; ++o) dst[t * cp + o] = 0.0f;
    }
  }
}

void directPackBackwardInput(const float* w, const nt::Conv2dArgs& p, float* wp) {
  // q's output channels are p's input channels c, its taps (o, i, j) read w[o, c, kH-1-i, kW-1-j].
  const size_t cinG = p.cIn / p.groups, coutG = p.cOut / p.groups, kk = p.kH * p.kW;
  const size_t cp = roundUp(cinG, VL), K = coutG * kk;
  for (size_t g = 0; g < p.groups; ++g) {
    float* dst = wp + g * K * cp;
    for (size_t o = 0; o < coutG; ++o)
      for (size_t i = 0; i < p.kH; ++i)
        for (size_t j = 0; j < p.kW; ++j) {
          float* row = dst + ((o * p.kH + i) * p.kW + j) * cp;
          const float* src = w + (g * coutG + o) * cinG * kk + (p.kH - 1 - i) * p.kW + (p.kW - 1 - j);
          for (size_t c = 0; c < cinG; ++c) row[c] = src[c * kk];
          for (size_t c = cinG; c < cp; ++c) row[c] = 0.0f;
        }
  }
}

bool directBackwardArgs(const nt::Conv2dArgs& p, nt::Conv2dArgs* q) {
  if (p.strideH != 1 || p.strideW != 1) return false;
  const size_t spanH = p.dilationH * (p.kH - 1), spanW = p.dilationW * (p.kW - 1);
  if (p.kH == 0 || p.kW == 0 || p.padH > spanH || p.padW > spanW) return false;
  *q = p;
  q->cIn = p.cOut;
  q->cOut = p.cIn;
  q->inH = p.outH;
  q->inW = p.outW;
  q->outH = p.inH;
  q->outW = p.inW;
  q->padH = spanH - p.padH;
  q->padW = spanW - p.padW;
  q->relu = false;
  return q->inH + 2 * q->padH == q->outH + spanH && q->inW + 2 * q->padW == q->outW + spanW;
}

bool directConv2d(const float* x, const float* wp, const float* bias, float* y, const nt::Conv2dArgs& q) {
  const size_t P = q.outH * q.outW;
  if (q.n == 0 || q.cOut == 0 || P == 0) return true;
  const bool padded = q.padH != 0 || q.padW != 0;
  const size_t cinG = q.cIn / q.groups, planeIn = q.inH * q.inW;
  const size_t wpitch = padded ? q.inW + 2 * q.padW : q.inW, plane = padded ? paddedPlane(q) : planeIn;
  const size_t K = taps(q);
  // size_t offsets in a float scratch slot (2 floats each), read by every thread.
  size_t* tapOff = reinterpret_cast<size_t*>(scratch(kScratchCol, K * (sizeof(size_t) / sizeof(float))));
  if (tapOff == nullptr) return false;
  for (size_t c = 0; c < cinG; ++c)
    for (size_t i = 0; i < q.kH; ++i)
      for (size_t j = 0; j < q.kW; ++j)
        tapOff[(c * q.kH + i) * q.kW + j] = c * plane + i * q.dilationH * wpitch + j * q.dilationW;
  // Whole images per task when they give every thread work; else rows are split too (an image per
  // task is padded once by the thread that runs the task, a split image once per task).
  const size_t images = q.n * q.groups, threads = static_cast<size_t>(nt::numThreads());
  const size_t rowBlocks = images >= threads ? 1 : minz(q.outH, 2 * threads);
  const Plan pl{q, cinG, q.cOut / q.groups, paddedCout(q), K, rowBlocks, tapOff};
  const double work = 2.0 * static_cast<double>(q.n) * static_cast<double>(q.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(images * rowBlocks, work, [&](size_t i0, size_t i1) {
    size_t last = ~static_cast<size_t>(0);  // the image * groups + group whose planes buf holds
    float* buf = padded ? scratch(kScratchPad, cinG * plane) : nullptr;
    if (padded && buf == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    for (size_t i = i0; i < i1; ++i) {
      const Task t = pl.at(i);
      const float* xg = x + (t.b * q.cIn + t.g * cinG) * planeIn;
      const size_t key = t.b * q.groups + t.g;
      if (padded && key != last) padPlanesInto(xg, cinG, q, buf);
      last = key;
      runTask(pl, t, padded ? buf : xg, wpitch, wp, bias, y);
    }
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
