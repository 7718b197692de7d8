// affineNormForward: layer / group normalisation over rows rows of d floats (src/backend/backend.ts
// AffineNormParams). Per row, in double: mean = sum x / d, rstd = 1 / sqrt(sum (x - mean)^2 / d + eps) (two
// passes); y = (x - mean) * rstd * weight[k] + bias[k] rounded once, k = ((r % groups) * d + e) / spatial.
// weight / bias null mean 1 / 0. Exactly src/backend/ref/affine-norm.ts up to the order of the double sums:
// the row sums run in kLanes independent lanes (added in lane order at the end) so the compiler vectorises
// them instead of waiting on one serial chain of double adds. Layer norm (one group, spatial 1: k = e) has
// its own output loop with the affine parameters read straight from e, which vectorises too.
// Aliasing: y, mean, rstd overlap nothing (the addon checks). Rows are split over the thread pool.
#include <cmath>

#include "isa.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Lanes of the row sums. */
constexpr size_t kLanes = 8;

/** sum over e of f(xr[e]) in double, in kLanes lanes added in lane order. */
template <typename F>
double laneSum(const float* __restrict xr, size_t d, F f) {
  double acc[kLanes] = {};
  size_t e = 0;
  for (; e + kLanes <= d; e += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) acc[l] += f(static_cast<double>(xr[e + l]));
  }
  for (; e < d; ++e) acc[0] += f(static_cast<double>(xr[e]));
  double s = 0;
  for (size_t l = 0; l < kLanes; ++l) s += acc[l];
  return s;
}

/**
 * Layer norm output row: parameter k = e. One instance per present / absent weight and bias, so each loop
 * reads only what it needs and vectorises (an absent weight is 1, an absent bias 0, as in groupNormOut).
 */
template <bool HasW, bool HasB>
void layerNormOutAs(const float* __restrict xr, const float* __restrict w, const float* __restrict b,
                    float* __restrict yr, size_t d, double m, double rs) {
  for (size_t e = 0; e < d; ++e)
    yr[e] = static_cast<float>((xr[e] - m) * rs * (HasW ? static_cast<double>(w[e]) : 1.0) +
                               (HasB ? static_cast<double>(b[e]) : 0.0));
}

void layerNormOut(const float* xr, const float* w, const float* b, float* yr, size_t d, double m, double rs) {
  if (w && b) layerNormOutAs<true, true>(xr, w, b, yr, d, m, rs);
  else if (w) layerNormOutAs<true, false>(xr, w, b, yr, d, m, rs);
  else if (b) layerNormOutAs<false, true>(xr, w, b, yr, d, m, rs);
  else layerNormOutAs<false, false>(xr, w, b, yr, d, m, rs);
}

/** Any layout (group norm): k = (a0 + e) / spatial, stepped without a division per element. */
void groupNormOut(const float* xr, const float* weight, const float* bias, float* yr, size_t r, double m, double rs,
                  const nt::AffineNormArgs& p) {
  const size_t d = p.d;
  const size_t a0 = (r % p.groups) * d;
  size_t k = a0 / p.spatial, rem = a0 % p.spatial;
  for (size_t e = 0; e < d; ++e) {
    yr[e] = static_cast<float>((xr[e] - m) * rs * (weight ? weight[k] : 1.0) + (bias ? bias[k] : 0.0));
    if (++rem == p.spatial) {
      rem = 0;
      ++k;
    }
  }
}

}  // namespace

bool affineNormForward(const float* x, const float* weight, const float* bias, float* y, double* mean, double* rstd,
                       const nt::AffineNormArgs& p) {
  const size_t d = p.d;
  const bool layerNorm = p.groups == 1 && p.spatial == 1;
  nt::parallelFor(p.rows, static_cast<double>(p.rows) * static_cast<double>(d) * 3, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const float* xr = x + r * d;
      float* yr = y + r * d;
      const double s = laneSum(xr, d, [](double v) { return v; });
      const double m = d > 0 ? s / static_cast<double>(d) : 0;
      const double v = laneSum(xr, d, [m](double xv) { return (xv - m) * (xv - m); });
      const double rs = 1 / std::sqrt((d > 0 ? v / static_cast<double>(d) : 0) + p.eps);
      mean[r] = m;
      rstd[r] = rs;
      if (layerNorm) layerNormOut(xr, weight, bias, yr, d, m, rs);
      else groupNormOut(xr, weight, bias, yr, r, m, rs, p);
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
