// batchNormBackward: per channel, float64 sums sum = sum gy and dot = sum gy * (x - mean); gw = dot * invstd,
// gb = sum; gx = training ? (gy - (x - mean) * k - sum / count) * s : gy * s with k = dot * invstd^2 / count
// and s = invstd * weight, in float64 rounded once, like src/backend/ref/batch-norm.ts. gx may be gy itself
// (every sum is complete before any gx is written, element i from element i), so gy and gx carry no
// __restrict. As batchNormForward: both passes stream the n * c rows in address order, split over the
// thread pool in contiguous row ranges, and per-row sums are added per channel in batch order (the same
// bits on any number of threads).
#include "isa.h"
#include "kernels.h"
#include "batch-norm-common.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Adds sum g and sum g * (x - m) over [0, len) to *sum and *dot. */
inline void gradSums(const float* g, const float* x, size_t len, double m, double* sum, double* dot) {
  const D4 mv = splatD4(m);
  D4 s0 = splatD4(0), s1 = s0, d0 = s0, d1 = s0;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const D4 g0 = loadD4(g + i), g1 = loadD4(g + i + 4);
    s0 += g0;
    d0 += g0 * (loadD4(x + i) - mv);
    s1 += g1;
    d1 += g1 * (loadD4(x + i + 4) - mv);
  }
  double ss = hsum(s0 + s1), dd = hsum(d0 + d1);
  for (; i < len; ++i) {
    const double gv = g[i];
    ss += gv;
    dd += gv * (static_cast<double>(x[i]) - m);
  }
  *sum += ss;
  *dot += dd;
}

/** gx = (g - (x - m) * k - gm) * s over [0, len). */
inline void gradInput(const float* g, const float* x, float* gx, size_t len, double m, double k, double gm, double s) {
  const D4 mv = splatD4(m), kv = splatD4(k), gmv = splatD4(gm), sv = splatD4(s);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) storeD4(gx + i, (loadD4(g + i) - (loadD4(x + i) - mv) * kv - gmv) * sv);
  for (; i < len; ++i)
    gx[i] = static_cast<float>((static_cast<double>(g[i]) - (static_cast<double>(x[i]) - m) * k - gm) * s);
}

/** gx = g * s over [0, len). */
inline void scaleInto(const float* g, float* gx, size_t len, double s) {
  const D4 sv = splatD4(s);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) storeD4(gx + i, loadD4(g + i) * sv);
  for (; i < len; ++i) gx[i] = static_cast<float>(static_cast<double>(g[i]) * s);
}

}  // namespace

bool batchNormBackward(const float* gy, const float* x, const float* weight, const double* mean,
                       const double* invstd, float* gx, float* gw, float* gb, const nt::BatchNormArgs& p) {
  const size_t n = p.n, c = p.c, inner = p.inner, rows = n * c;
  const double count = static_cast<double>(n) * static_cast<double>(inner);
  const double work = streamWork(3.0 * count * static_cast<double>(c));  // per pass: gy and x read, gx written
  double* buf = bnScratch(rows, c, 3);
  if (buf == nullptr) return false;
  double *rowSum = buf, *rowDot = buf + rows, *k = rowDot + rows, *gm = k + c, *s = gm + c;
  const bool sums = p.training || gw != nullptr || gb != nullptr;  // eval-mode gx alone needs none
  if (sums)
    nt::parallelFor(rows, work, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; ++r) {
        double sum = 0, dot = 0;
        gradSums(gy + r * inner, x + r * inner, inner, mean[r % c], &sum, &dot);
        rowSum[r] = sum;
        rowDot[r] = dot;
      }
    });
  for (size_t ch = 0; ch < c; ++ch) {
    const double is = invstd[ch];
    const double sum = sums ? channelTotal(rowSum, n, c, ch) : 0.0, dot = sums ? channelTotal(rowDot, n, c, ch) : 0.0;
    if (gw) gw[ch] = static_cast<float>(dot * is);
    if (gb) gb[ch] = static_cast<float>(sum);
    s[ch] = is * (weight ? static_cast<double>(weight[ch]) : 1.0);
    k[ch] = (dot * is * is) / count;
    gm[ch] = sum / count;
  }
  if (gx == nullptr) return true;
  nt::parallelFor(rows, work, [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      const size_t ch = r % c, o = r * inner;
      if (p.training) gradInput(gy + o, x + o, gx + o, inner, mean[ch], k[ch], gm[ch], s[ch]);
      else scaleInto(gy + o, gx + o, inner, s[ch]);
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
