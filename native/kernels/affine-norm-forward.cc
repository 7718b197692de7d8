// affineNormForward: layer / group normalisation over rows rows of d floats (src/backend/backend.ts
// AffineNormParams). Per row, in double: mean = sum x / d, rstd = 1 / sqrt(sum (x - mean)^2 / d + eps) (two
// passes); y = (x - mean) * rstd * weight[k] + bias[k] rounded once, k = ((r % groups) * d + e) / spatial.
// weight / bias null mean 1 / 0. Exactly src/backend/ref/affine-norm.ts up to the order of the double sums.
// Aliasing: y, mean, rstd overlap nothing (the addon checks). Rows are split over the thread pool.
#include <cmath>

#include "isa.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool affineNormForward(const float* x, const float* weight, const float* bias, float* y, double* mean, double* rstd,
                       const nt::AffineNormArgs& p) {
  const size_t d = p.d;
  nt::parallelFor(p.rows, static_cast<double>(p.rows) * static_cast<double>(d) * 3, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const float* xr = x + r * d;
      float* yr = y + r * d;
      double s = 0;
      for (size_t e = 0; e < d; ++e) s += xr[e];
      const double m = d > 0 ? s / static_cast<double>(d) : 0;
      double v = 0;
      for (size_t e = 0; e < d; ++e) v += (xr[e] - m) * (xr[e] - m);
      const double rs = 1 / std::sqrt((d > 0 ? v / static_cast<double>(d) : 0) + p.eps);
      mean[r] = m;
      rstd[r] = rs;
      // k = (a0 + e) / spatial, stepped without a division per element
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
  });
  return true;
}

}  // namespace NT_ISA_NS
