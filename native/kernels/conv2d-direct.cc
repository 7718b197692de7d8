// Direct convolution (see conv2d-direct.h), the register blocking of oneDNN's JIT convolutions
// (src/cpu/x64/jit_avx512_common_conv_kernel.cpp: output channels in vector lanes, a strip of output
// columns of one row in the accumulators, each input value broadcast once and multiplied by the weight
// vectors of every output-channel block), written with vector extensions instead of a JIT:
//
//   for each task (image b, group g, block of output rows):
//     pad the group's cinG planes of image b into scratch (zero borders), unless there is no padding
//     for each chunk of up to MAXV * VL output channels (V vectors)
//       for each output row, for each strip of R interior output columns (R * V <= the accumulator budget),
//       and for each edge column, each strip of R rows down the column (rows of one class)
//         acc[R][V] = 0
//         for each tap t = (c, i, j) of the strip's tap list (the K = cinG * kH * kW taps in order, less
//         those that read the padding at the strip's row and column class):
//           V aligned loads of the packed weights wp[t][o .. o + V * VL)
//           R broadcasts of x_padded[c][row * strideH + i * dilationH][col * strideW + j * dilationW]
//           R * V FMAs
//         the R x V * VL tile is stored into a channel-last buffer of the pass's rows (vector stores)
//     the buffer, transposed 8 x 8 in registers, into y's planes with the bias (and the relu)
//
// The weights are packed once per call, [group][tap][output channel padded to a multiple of VL], so a
// tap's weight vectors are contiguous; the input needs no packing (the broadcasts read the padded planes
// in place, a row's strip at constant offsets). Per tap the kernel loads V vectors and R scalars for R * V
// FMAs, with no k blocking (each output is one sum over all K taps, written once) and no columns matrix;
// the padded planes of one image (at 64 channels of 10 x 10: 25 KiB) stay in L1, a chunk's weights in L2
// (blocking the taps so that they stay in L1 was measured 9% slower at 64 -> 64 on 8 x 8).
// Lanes are wasted only on a last chunk of fewer than VL channels. The strips of a row are cut evenly
// (the 12 interior columns of 14 at 4 vectors: 6 + 6). Each output element is the same sum (taps in
// order, then + bias) whatever the tasks, so results do not depend on the thread count.
//
// Like oneDNN's kernels, no product reads the padding: at 8 x 8 outputs, a 3 x 3 kernel and padding 1
// those are 1/6 of the products (all zeros: the sums do not change, as adding +-0 to a sum leaves it
// alone). The output positions fall into classes by the range of kernel rows (for the row) and kernel
// columns (for the column) inside the image, with a tap list per class pair (buildTaps). The interior
// columns of a row share a class and take the strips along the row; an edge column is a class of its
// own, and a strip along the row would hold one position (too few accumulators to hide the FMA latency),
// so its strips run down the column instead, over consecutive rows of one class. At 64 channels of
// 8 x 8 that makes one strip of 6 interior columns per row (24 accumulators) and strips of 1, 6 and 1
// rows per edge column.
#include "conv2d-direct.h"

#include "conv2d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

constexpr size_t VL = kDirectVL, kAcc = kDirectAcc, MAXV = kDirectMaxV;

typedef float DVec __attribute__((vector_size(VL * sizeof(float))));

// A tap of the kernel: its input value's offset in one image's (padded) planes of a group, relative to
// the output position's, and its weight vector's offset in the packed weights.
struct Tap {
  size_t x, w;
};

// One strip: out[r * cp + v * VL + l] = sum over taps t of x[taps[t].x + r * SW] * w[taps[t].w + v * VL + l]
// (out: R positions of the channel-last buffer). SW (the stride along a row, 1 or 2) is a template
// argument so the R broadcasts sit at constant offsets. SW = 0 is a strip down a column (an edge column,
// see runTask): positions xs floats apart in x and os floats apart in out.
template <size_t R, size_t V, size_t SW>
void strip(size_t K, const Tap* __restrict taps, const float* __restrict x, const float* __restrict w, float* __restrict out,
           size_t cp, size_t xs, size_t os) {
  if constexpr (SW != 0) xs = SW, os = cp;
  DVec acc[R][V];
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < V; ++v) acc[r][v] = DVec{};
  for (size_t t = 0; t < K; ++t) {
    const float* xt = x + taps[t].x;
    const float* wt = w + taps[t].w;
    DVec wv[V];
    for (size_t v = 0; v < V; ++v) wv[v] = *reinterpret_cast<const DVec*>(wt + v * VL);
    for (size_t r = 0; r < R; ++r) {
      const float xr = xt[r * xs];
      for (size_t v = 0; v < V; ++v) acc[r][v] += wv[v] * xr;
    }
  }
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < V; ++v) *reinterpret_cast<DVec*>(out + r * os + v * VL) = acc[r][v];
}

using StripFn = void (*)(size_t, const Tap*, const float*, const float*, float*, size_t, size_t, size_t);

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

/** The strip of `vecs` vectors and `n` positions along a row of stride sw (1 or 2), or down a column (0). */
StripFn stripKernel(size_t vecs, size_t n, size_t sw) {
  return sw == 1 ? stripForV<MAXV, 1>(vecs, n) : sw == 2 ? stripForV<MAXV, 2>(vecs, n) : stripForV<MAXV, 0>(vecs, n);
}

/** Output channels padded to whole vectors. */
size_t paddedCout(const nt::Conv2dArgs& q) { return roundUp(q.cOut / q.groups, VL); }

/** Taps per output element. */
size_t taps(const nt::Conv2dArgs& q) { return q.cIn / q.groups * q.kH * q.kW; }

// Floats of the channel-last output buffer of one pass (runTask): 16 KiB, so a whole 8 x 8 image of 64
// channels is one pass and its edge columns take strips of 6 rows (at 8 KiB, passes of 4 rows left
// strips of 1 and 3: measured 2% slower at 64 -> 64 on 8 x 8).
constexpr size_t kPassFloats = 4 * 1024;

struct Task {
  size_t b, g, r0, r1;  // image, group, output rows [r0, r1)
};

// The taps of an output position: those whose kernel row and column fall inside the image (the taps
// over the padding are skipped, as oneDNN's direct kernels skip them: at 8 x 8 outputs with a 3 x 3
// kernel and padding 1 that is 1/6 of the products, all zeros). Positions are classed by their row's
// range of kernel rows and their column's range of kernel columns; a list per (row class, column class).
struct TapList {
  const Tap* taps;
  size_t count;
};

// A run of output columns [a, b) of one column class.
struct ColRun {
  size_t a, b, cls;
};

// The tap lists of a call (in a scratch slot, read by every thread).
struct TapTable {
  const TapList* lists;   // [row class * nCols + column class]
  const size_t* rowClass; // per output row
  const ColRun* runs;     // the output columns, left to right
  size_t nCols, nRuns, fullCol;  // column classes; runs; the class of columns reading every kernel column
};

struct Plan {
  const nt::Conv2dArgs& q;
  size_t cinG, coutG, cp, K, rowBlocks;
  TapTable tt;
  Task at(size_t i) const {
    const size_t rb = i % rowBlocks, bg = i / rowBlocks;
    return Task{bg / q.groups, bg % q.groups, rb * q.outH / rowBlocks, (rb + 1) * q.outH / rowBlocks};
  }
};

#if NT_VEC_LEN == 8
// 8-float vectors for the output transposes (the SSE build has no 8-float registers: it stores a float at
// a time).
typedef float F8 __attribute__((vector_size(8 * sizeof(float))));
typedef float F8U __attribute__((vector_size(8 * sizeof(float)), aligned(4), may_alias));
typedef int I8 __attribute__((vector_size(8 * sizeof(int))));

/** v + bias, then the relu if asked (reluForward's `v < 0 ? +0 : v`). */
static inline F8 epilogue(F8 v, float bv, bool relu) {
  const F8 z = F8{};
  v += F8{bv, bv, bv, bv, bv, bv, bv, bv};
  return relu ? (v < z ? z : v) : v;
}
#endif

/**
 * dst[c * P + q] = src[q * cp + c] + bias[c] (relu if asked) for c < nc, q < nq: the channel-last buffer
 * into y's planes, through 8 x 8 register transposes (unpack, 64-bit shuffle, 128-bit swap); the
 * channels and positions past whole blocks of 8 one float at a time.
 */
void channelsToPlanes(const float* __restrict src, size_t cp, size_t nq, size_t nc, const float* bias, bool relu,
                      float* __restrict dst, size_t P) {
#if NT_VEC_LEN == 8
  const size_t nq8 = nq / 8 * 8, nc8 = nc / 8 * 8;
  for (size_t c = 0; c < nc8; c += 8) {
    for (size_t q = 0; q < nq8; q += 8) {
      F8 a[8];
      for (size_t i = 0; i < 8; ++i) a[i] = *reinterpret_cast<const F8U*>(src + (q + i) * cp + c);
      F8 t[8], u[8];
      for (size_t i = 0; i < 8; i += 2) {
        t[i] = __builtin_shuffle(a[i], a[i + 1], I8{0, 8, 1, 9, 4, 12, 5, 13});
        t[i + 1] = __builtin_shuffle(a[i], a[i + 1], I8{2, 10, 3, 11, 6, 14, 7, 15});
      }
      for (size_t h = 0; h < 8; h += 4)
        for (size_t i = 0; i < 2; ++i) {
          u[h + 2 * i] = __builtin_shuffle(t[h + i], t[h + 2 + i], I8{0, 1, 8, 9, 4, 5, 12, 13});
          u[h + 2 * i + 1] = __builtin_shuffle(t[h + i], t[h + 2 + i], I8{2, 3, 10, 11, 6, 7, 14, 15});
        }
      // u[k] (k < 4) holds channels k and k + 4 of positions q .. q + 3, u[4 + k] of positions q + 4 .. q + 7
      for (size_t k = 0; k < 4; ++k) {
        const F8 lo = __builtin_shuffle(u[k], u[4 + k], I8{0, 1, 2, 3, 8, 9, 10, 11});
        const F8 hi = __builtin_shuffle(u[k], u[4 + k], I8{4, 5, 6, 7, 12, 13, 14, 15});
        *reinterpret_cast<F8U*>(dst + (c + k) * P + q) = epilogue(lo, bias != nullptr ? bias[c + k] : 0.0f, relu);
        *reinterpret_cast<F8U*>(dst + (c + k + 4) * P + q) = epilogue(hi, bias != nullptr ? bias[c + k + 4] : 0.0f, relu);
      }
    }
  }
#else
  const size_t nq8 = 0, nc8 = 0;
#endif
  for (size_t c = 0; c < nc; ++c) {
    const float bv = bias != nullptr ? bias[c] : 0.0f;
    for (size_t q = c < nc8 ? nq8 : 0; q < nq; ++q) {
      const float v = src[q * cp + c] + bv;
      dst[c * P + q] = relu && v < 0.0f ? 0.0f : v;
    }
  }
}

/** Output rows per pass of runTask: the channel-last buffer (rows x outW x cp floats) kept near L1's size. */
size_t rowsPerPass(const nt::Conv2dArgs& q, size_t cp) {
  const size_t perRow = q.outW * cp;
  return perRow >= kPassFloats ? 1 : minz(q.outH, kPassFloats / perRow);
}

// Rows [r0, r1) of image b, group g, from its (padded) planes src (row pitch wp), a pass of rows at a
// time: every chunk's strips into the channel-last buffer ct, then ct into y's planes.
void runTask(const Plan& pl, const Task& t, const float* src, size_t wp, const float* wpk, const float* bias, float* y,
             float* ct) {
  const nt::Conv2dArgs& q = pl.q;
  const size_t P = q.outH * q.outW, pass = rowsPerPass(q, pl.cp);
  float* yImg = y + (t.b * q.cOut + t.g * pl.coutG) * P;
  const float* wg = wpk + t.g * pl.K * pl.cp;
  const float* bg = bias != nullptr ? bias + t.g * pl.coutG : nullptr;
  for (size_t h0 = t.r0; h0 < t.r1; h0 += pass) {
    const size_t h1 = minz(t.r1, h0 + pass);
    for (size_t o0 = 0; o0 < pl.coutG; o0 += MAXV * VL) {
      const size_t vecs = minz(MAXV, (pl.coutG - o0 + VL - 1) / VL);
      const size_t rMax = kAcc / vecs;
      for (size_t k = 0; k < pl.tt.nRuns; ++k) {
        const ColRun run = pl.tt.runs[k];
        if (run.cls == pl.tt.fullCol) {  // strips along each row, cut evenly
          const size_t width = run.b - run.a, strips = (width + rMax - 1) / rMax, R = (width + strips - 1) / strips;
          for (size_t oh = h0; oh < h1; ++oh) {
            const TapList tl = pl.tt.lists[pl.tt.rowClass[oh] * pl.tt.nCols + run.cls];
            const float* row = src + oh * q.strideH * wp;
            float* out = ct + (oh - h0) * q.outW * pl.cp + o0;
            for (size_t s0 = run.a; s0 < run.b; s0 += R)
              stripKernel(vecs, minz(R, run.b - s0), q.strideW)(tl.count, tl.taps, row + s0 * q.strideW, wg + o0,
                                                                out + s0 * pl.cp, pl.cp, 0, 0);
          }
          continue;
        }
        // An edge column: strips down the column over rows of one class (a strip along the row would
        // hold one position, too few accumulators to hide the multiply-add latency).
        for (size_t ow = run.a; ow < run.b; ++ow)
          for (size_t r0 = h0; r0 < h1;) {
            size_t r1 = r0 + 1;
            while (r1 < h1 && pl.tt.rowClass[r1] == pl.tt.rowClass[r0]) ++r1;
            const TapList tl = pl.tt.lists[pl.tt.rowClass[r0] * pl.tt.nCols + run.cls];
            const size_t strips = (r1 - r0 + rMax - 1) / rMax, R = (r1 - r0 + strips - 1) / strips;
            for (size_t s0 = r0; s0 < r1; s0 += R)
              stripKernel(vecs, minz(R, r1 - s0), 0)(tl.count, tl.taps, src + s0 * q.strideH * wp + ow * q.strideW,
                                                     wg + o0, ct + ((s0 - h0) * q.outW + ow) * pl.cp + o0, pl.cp,
                                                     q.strideH * wp, q.outW * pl.cp);
            r0 = r1;
          }
      }
    }
    channelsToPlanes(ct, pl.cp, (h1 - h0) * q.outW, pl.coutG, bg, q.relu, yImg + h0 * q.outW, P);
  }
}

/**
 * Kernel taps [*lo, *hi) along one axis that read inside the image for output index o (stride, padding,
 * dilation, kernel size and input size along that axis); the others read the padding.
 */
void validTaps(size_t o, size_t stride, size_t pad, size_t dil, size_t k, size_t in, size_t* lo, size_t* hi) {
  const ptrdiff_t first = static_cast<ptrdiff_t>(o * stride) - static_cast<ptrdiff_t>(pad);
  size_t i = 0;
  while (i < k && first + static_cast<ptrdiff_t>(i * dil) < 0) ++i;
  *lo = i;
  while (i < k && first + static_cast<ptrdiff_t>(i * dil) < static_cast<ptrdiff_t>(in)) ++i;
  *hi = i;
}

// Classes of one axis: the distinct ranges of valid taps, and each output index's class.
struct AxisClasses {
  static constexpr size_t kMax = 16;
  size_t lo[kMax], hi[kMax], n = 0;
  // The ranges of outputs [0, outs) (stride, ...); past kMax distinct ranges, one class of every tap (the
  // padding read as zeros).
  void build(size_t outs, size_t stride, size_t pad, size_t dil, size_t k, size_t in) {
    for (size_t o = 0; o < outs; ++o)
      if (classOf(o, stride, pad, dil, k, in) == n) {
        if (n == kMax) return full(k);
        validTaps(o, stride, pad, dil, k, in, &lo[n], &hi[n]);
        ++n;
      }
  }
  void full(size_t k) { lo[0] = 0, hi[0] = k, n = 1; }
  size_t classOf(size_t o, size_t stride, size_t pad, size_t dil, size_t k, size_t in) const {
    size_t l = 0, h = k, c = 0;
    if (n != 1 || lo[0] != 0 || hi[0] != k) validTaps(o, stride, pad, dil, k, in, &l, &h);
    while (c < n && (lo[c] != l || hi[c] != h)) ++c;
    return c;
  }
};

// Bytes of tap lists past which a call stops skipping the padding along columns, then along rows.
constexpr size_t kMaxTapBytes = 4 << 20;

/**
 * The tap lists of q (TapTable) in a scratch slot: for each (row class, column class) the taps (c, i, j)
 * in order with kernel row i and column j inside the image. False if scratch memory could not be had.
 */
bool buildTaps(const nt::Conv2dArgs& q, size_t plane, size_t wpitch, size_t cp, TapTable* tt) {
  const size_t cinG = q.cIn / q.groups, K = taps(q);
  AxisClasses rows, cols;
  rows.build(q.outH, q.strideH, q.padH, q.dilationH, q.kH, q.inH);
  cols.build(q.outW, q.strideW, q.padW, q.dilationW, q.kW, q.inW);
  if (rows.n * cols.n * K * sizeof(Tap) > kMaxTapBytes) cols.full(q.kW);
  if (rows.n * cols.n * K * sizeof(Tap) > kMaxTapBytes) rows.full(q.kH);
  const size_t nLists = rows.n * cols.n;
  size_t nRuns = 0;
  for (size_t ow = 0, prev = ~static_cast<size_t>(0); ow < q.outW; ++ow) {
    const size_t c = cols.classOf(ow, q.strideW, q.padW, q.dilationW, q.kW, q.inW);
    if (c != prev) ++nRuns, prev = c;
  }
  const size_t bytes = nLists * sizeof(TapList) + q.outH * sizeof(size_t) + nRuns * sizeof(ColRun) + nLists * K * sizeof(Tap);
  char* mem = reinterpret_cast<char*>(scratch(kScratchCol, (bytes + sizeof(float) - 1) / sizeof(float)));
  if (mem == nullptr) return false;
  TapList* lists = reinterpret_cast<TapList*>(mem);
  size_t* rowClass = reinterpret_cast<size_t*>(lists + nLists);
  ColRun* runs = reinterpret_cast<ColRun*>(rowClass + q.outH);
  Tap* next = reinterpret_cast<Tap*>(runs + nRuns);
  for (size_t r = 0; r < rows.n; ++r)
    for (size_t cc = 0; cc < cols.n; ++cc) {
      TapList& tl = lists[r * cols.n + cc];
      tl.taps = next;
      for (size_t c = 0; c < cinG; ++c)
        for (size_t i = rows.lo[r]; i < rows.hi[r]; ++i)
          for (size_t j = cols.lo[cc]; j < cols.hi[cc]; ++j)
            *next++ = Tap{c * plane + i * q.dilationH * wpitch + j * q.dilationW, ((c * q.kH + i) * q.kW + j) * cp};
      tl.count = static_cast<size_t>(next - tl.taps);
    }
  for (size_t oh = 0; oh < q.outH; ++oh) rowClass[oh] = rows.classOf(oh, q.strideH, q.padH, q.dilationH, q.kH, q.inH);
  size_t n = 0;
  for (size_t ow = 0; ow < q.outW; ++ow) {
    const size_t c = cols.classOf(ow, q.strideW, q.padW, q.dilationW, q.kW, q.inW);
    if (n > 0 && runs[n - 1].cls == c) runs[n - 1].b = ow + 1;
    else runs[n++] = ColRun{ow, ow + 1, c};
  }
  size_t fullCol = 0;
  while (fullCol < cols.n && (cols.lo[fullCol] != 0 || cols.hi[fullCol] != q.kW)) ++fullCol;
  *tt = TapTable{lists, rowClass, runs, cols.n, nRuns, fullCol};
  return true;
}

}  // namespace

/** The kernel's own bounds: stride along a row 1 or 2, the padded planes of one image and group within kPadFloats. */
static bool directConv2dFits(const nt::Conv2dArgs& q) {
  return (q.strideW == 1 || q.strideW == 2) && q.cIn / q.groups * paddedPlane(q) <= kPadFloats;
}

bool directConv2dApplies(const nt::Conv2dArgs& q) { return q.cIn / q.groups >= kDirectMinCin && directConv2dFits(q); }

bool directConv2dForwardApplies(const nt::Conv2dArgs& q) {
  const size_t cinG = q.cIn / q.groups, coutG = q.cOut / q.groups;
  return directConv2dApplies(q) || (cinG >= 1 && cinG <= kDirectMaxSmallCin && coutG >= VL && directConv2dFits(q));
}

size_t directPackedSize(const nt::Conv2dArgs& q) { return q.groups * taps(q) * paddedCout(q); }

void directPackForward(const float* w, const nt::Conv2dArgs& q, float* wp) {
  const size_t coutG = q.cOut / q.groups, K = taps(q), cp = paddedCout(q);
  for (size_t g = 0; g < q.groups; ++g) {
    float* dst = wp + g * K * cp;
    const float* src = w + g * coutG * K;
    // The transpose in blocks of 16 taps, so both sides stay in L1 (reading one tap of every channel
    // at a time walked w with a stride of K floats).
    for (size_t t0 = 0; t0 < K; t0 += 16) {
      const size_t t1 = minz(K, t0 + 16);
      for (size_t o = 0; o < coutG; ++o)
        for (size_t t = t0; t < t1; ++t) dst[t * cp + o] = src[o * K + t];
      for (size_t t = t0; t < t1; ++t)
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
  TapTable tt;
  if (!buildTaps(q, plane, wpitch, paddedCout(q), &tt)) return false;
  // Whole images per task when they give every thread work; else rows are split too (an image per
  // task is padded once by the thread that runs the task, a split image once per task).
  const size_t images = q.n * q.groups, threads = static_cast<size_t>(nt::numThreads());
  const size_t rowBlocks = images >= threads ? 1 : minz(q.outH, 2 * threads);
  const Plan pl{q, cinG, q.cOut / q.groups, paddedCout(q), K, rowBlocks, tt};
  const double work = 2.0 * static_cast<double>(q.n) * static_cast<double>(q.cOut) * static_cast<double>(P) *
                      static_cast<double>(K);
  int failed = 0;
  nt::parallelFor(images * rowBlocks, work, [&](size_t i0, size_t i1) {
    size_t last = ~static_cast<size_t>(0);  // the image * groups + group whose planes buf holds
    float* buf = padded ? scratch(kScratchPad, cinG * plane) : nullptr;
    float* ct = scratch(kScratchAcc, rowsPerPass(q, pl.cp) * q.outW * pl.cp);
    if ((padded && buf == nullptr) || ct == nullptr) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
    // The borders are zeroed once per range: the images of the range overwrite only the interiors.
    if (padded) std::memset(buf, 0, cinG * plane * sizeof(float));
    for (size_t i = i0; i < i1; ++i) {
      const Task t = pl.at(i);
      const float* xg = x + (t.b * q.cIn + t.g * cinG) * planeIn;
      const size_t key = t.b * q.groups + t.g;
      if (padded && key != last) copyPlaneInteriors(xg, cinG, q, buf);
      last = key;
      runTask(pl, t, padded ? buf : xg, wpitch, wp, bias, y, ct);
    }
  });
  return failed == 0;
}

}  // namespace NT_ISA_NS
