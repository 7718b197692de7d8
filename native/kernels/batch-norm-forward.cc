// batchNormForward: y = x * scale + shift per channel (scale = invstd * weight, shift = bias - mean * scale),
// in float64 rounded once (then relu if p.relu), like src/backend/ref/batch-norm.ts. In training, first mean = batch mean and
// invstd = 1 / sqrt(biased var + eps) from one pass of float64 sums of x - x0 and (x - x0)^2, shifted by
// the channel's first value x0 so the variance does not cancel when |mean| >> std. Channels are split over
// the thread pool (a channel's runs are n blocks of `inner` values, c * inner apart).
#include "isa.h"
#include "kernels.h"
#include "batch-norm-common.h"
#include "relu-inline.h"
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
  const size_t n = p.n, c = p.c, inner = p.inner, rowStride = c * inner;
  const double count = static_cast<double>(n) * static_cast<double>(inner);
  const double work = 4.0 * count * static_cast<double>(c);
  // Each pass walks a block of channels batch item by batch item, so memory is read in address order
  // (a channel alone is n runs of `inner` floats, c * inner apart, which the prefetchers follow poorly);
  // each channel's sums still add its runs in batch order.
  nt::parallelFor(c, work, [&](size_t c0, size_t c1) {
    for (size_t cb = c0; cb < c1; cb += kBnChannelBlock) {
      const size_t ce = minz(c1, cb + kBnChannelBlock);
      double scale[kBnChannelBlock], shift[kBnChannelBlock];
      if (p.training) {
        double s[kBnChannelBlock] = {}, q[kBnChannelBlock] = {}, x0[kBnChannelBlock];
        for (size_t ch = cb; ch < ce; ++ch) x0[ch - cb] = x[ch * inner];
        for (size_t b = 0; b < n; ++b)
          for (size_t ch = cb; ch < ce; ++ch)
            channelSums(x + b * rowStride + ch * inner, inner, x0[ch - cb], &s[ch - cb], &q[ch - cb]);
        for (size_t ch = cb; ch < ce; ++ch) {
          const double sc = s[ch - cb];
          double v = q[ch - cb] - (sc * sc) / count;  // sum of squared deviations
          if (!(v >= 0)) v = v < 0 ? 0 : v;  // max(v, 0), NaN kept
          mean[ch] = x0[ch - cb] + sc / count;
          invstd[ch] = 1 / __builtin_sqrt(v / count + p.eps);
        }
      }
      for (size_t ch = cb; ch < ce; ++ch) {
        scale[ch - cb] = invstd[ch] * (weight ? static_cast<double>(weight[ch]) : 1.0);
        shift[ch - cb] = (bias ? static_cast<double>(bias[ch]) : 0.0) - mean[ch] * scale[ch - cb];
      }
      for (size_t b = 0; b < n; ++b)
        for (size_t ch = cb; ch < ce; ++ch) {
          const size_t o = b * rowStride + ch * inner;
          affine(x + o, y + o, inner, scale[ch - cb], shift[ch - cb]);
          if (p.relu) reluRange(y + o, y + o, inner);  // of the rounded float, as reluForward
        }
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
