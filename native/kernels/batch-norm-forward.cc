// batchNormForward: y = x * scale + shift per channel (scale = invstd * weight, shift = bias - mean * scale),
// in float64 rounded once (then relu if p.relu), like src/backend/ref/batch-norm.ts. In training, first mean = batch mean and
// invstd = 1 / sqrt(biased var + eps) from one pass of float64 sums of x - x0 and (x - x0)^2, shifted by
// the channel's first value x0 so the variance does not cancel when |mean| >> std.
//
// Both passes walk the n * c rows of `inner` values in address order, split over the thread pool in
// contiguous row ranges: each thread streams one long run of memory. The statistics pass writes each
// row's sums; the channel totals add them in batch order, so the result is the same bits on any number
// of threads. (Splitting over channels instead gave each thread runs of a few KB, c * inner apart, which
// the prefetchers follow poorly: 2 threads bought 1.1-1.25x at the stem's 128 x 32 x 600.)
#include "isa.h"
#include "kernels.h"
#include "batch-norm-common.h"
#include "relu-inline.h"
#include "stream-work.h"
#include "../threadpool.h"


namespace NT_ISA_NS {

namespace {

/** Adds sum (x - shift) and sum (x - shift)^2 over x[0..len) to *s and *q. */
inline void channelSums(const float* __restrict x, size_t len, double shift, double* s, double* q) {
  const D4 sh = splatD4(shift);
  D4 s0 = splatD4(0), s1 = s0, q0 = s0, q1 = s0;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const D4 d0 = loadD4(x + i) - sh, d1 = loadD4(x + i + 4) - sh;
    s0 += d0;
    q0 += d0 * d0;
    s1 += d1;
    q1 += d1 * d1;
  }
  double ss = hsum(s0 + s1), qq = hsum(q0 + q1);
  for (; i < len; ++i) {
    const double d = static_cast<double>(x[i]) - shift;
    ss += d;
    qq += d * d;
  }
  *s += ss;
  *q += qq;
}

/** y = x * scale + shift over [0, len), in float64. */
inline void affine(const float* __restrict x, float* __restrict y, size_t len, double scale, double shift) {
  const D4 sc = splatD4(scale), sh = splatD4(shift);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) storeD4(y + i, loadD4(x + i) * sc + sh);
  for (; i < len; ++i) y[i] = static_cast<float>(static_cast<double>(x[i]) * scale + shift);
}

}  // namespace

bool batchNormForward(const float* x, const float* weight, const float* bias, double* mean, double* invstd, float* y,
                      const nt::BatchNormArgs& p) {
  const size_t n = p.n, c = p.c, inner = p.inner, rows = n * c;
  const double count = static_cast<double>(n) * static_cast<double>(inner);
  const double work = streamWork(2.0 * count * static_cast<double>(c));  // per pass: x read, y written
  double* buf = bnScratch(rows, c, 2);
  if (buf == nullptr) return false;
  double *rowS = buf, *rowQ = buf + rows, *scale = rowQ + rows, *shift = scale + c;
  if (p.training) {
    const bool any = rows > 0 && inner > 0;
    nt::parallelFor(rows, work, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; ++r) {
        double s = 0, q = 0;
        channelSums(x + r * inner, inner, any ? x[(r % c) * inner] : 0.0, &s, &q);  // x may be empty
        rowS[r] = s;
        rowQ[r] = q;
      }
    });
    for (size_t ch = 0; ch < c; ++ch) {
      const double sc = channelTotal(rowS, n, c, ch), x0 = any ? x[ch * inner] : 0.0;
      double v = channelTotal(rowQ, n, c, ch) - (sc * sc) / count;  // sum of squared deviations
      if (!(v >= 0)) v = v < 0 ? 0 : v;  // max(v, 0), NaN kept
      mean[ch] = x0 + sc / count;
      invstd[ch] = 1 / __builtin_sqrt(v / count + p.eps);
    }
  }
  for (size_t ch = 0; ch < c; ++ch) {
    scale[ch] = invstd[ch] * (weight ? static_cast<double>(weight[ch]) : 1.0);
    shift[ch] = (bias ? static_cast<double>(bias[ch]) : 0.0) - mean[ch] * scale[ch];
  }
  nt::parallelFor(rows, work, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      const size_t ch = r % c, o = r * inner;
      affine(x + o, y + o, inner, scale[ch], shift[ch]);
      if (p.relu) reluRange(y + o, y + o, inner);  // of the rounded float, as reluForward
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
