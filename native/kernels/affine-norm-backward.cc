// affineNormBackward: gradients of affineNormForward. With xhat = (x - mean) * rstd and gh = gy * weight[k]
// (double): gx = rstd * (gh - mean_row(gh) - xhat * mean_row(gh * xhat)); gw[k] = sum gy * xhat and
// gb[k] = sum gy over every element using parameter k (double sums, one pass over the rows on the calling
// thread, since rows share parameters). Each of gx, gw, gb may be null. Exactly
// src/backend/ref/affine-norm.ts up to the order of the double sums.
// Aliasing: gx, gw, gb overlap nothing (the addon checks).
#include <vector>

#include "isa.h"
#include "kernels.h"

namespace NT_ISA_NS {

bool affineNormBackward(const float* gy, const float* x, const float* weight, const double* mean, const double* rstd, float* gx,
                        float* gw, float* gb, const nt::AffineNormArgs& p) {
  const size_t d = p.d;
  const size_t nAff = p.groups * (d / p.spatial);
  std::vector<double> accW, accB;
  try {
    accW.assign(nAff, 0.0);
    accB.assign(nAff, 0.0);
  } catch (const std::bad_alloc&) {
    return false;
  }
  for (size_t r = 0; r < p.rows; ++r) {
    const float* gr = gy + r * d;
    const float* xr = x + r * d;
    const double m = mean[r], rs = rstd[r];
    const size_t a0 = (r % p.groups) * d;
    double sumGh = 0, sumGhH = 0;
    // k = (a0 + e) / spatial, stepped without a division per element
    size_t k = a0 / p.spatial, rem = a0 % p.spatial;
    for (size_t e = 0; e < d; ++e) {
      const double h = (xr[e] - m) * rs;
      const double gh = gr[e] * (weight ? static_cast<double>(weight[k]) : 1.0);
      sumGh += gh;
      sumGhH += gh * h;
      accW[k] += gr[e] * h;
      accB[k] += gr[e];
      if (++rem == p.spatial) {
        rem = 0;
        ++k;
      }
    }
    if (!gx) continue;
    const double mGh = sumGh / static_cast<double>(d), mGhH = sumGhH / static_cast<double>(d);
    float* out = gx + r * d;
    k = a0 / p.spatial;
    rem = a0 % p.spatial;
    for (size_t e = 0; e < d; ++e) {
      const double h = (xr[e] - m) * rs;
      const double gh = gr[e] * (weight ? static_cast<double>(weight[k]) : 1.0);
      out[e] = static_cast<float>(rs * (gh - mGh - h * mGhH));
      if (++rem == p.spatial) {
        rem = 0;
        ++k;
      }
    }
  }
  for (size_t k = 0; k < nAff; ++k) {
    if (gw) gw[k] = static_cast<float>(accW[k]);
    if (gb) gb[k] = static_cast<float>(accB[k]);
  }
  return true;
}

}  // namespace NT_ISA_NS
