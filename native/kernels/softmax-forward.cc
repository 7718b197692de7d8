// softmaxForward: softmax over rows rows of d floats (src/backend/backend.ts SoftmaxParams). Per row,
// z = x + mask row r % maskRows (rounded to float32, as the separate add was) or x; m = max z (NaN if any
// is NaN); y = exp(z - m) * (1 / sum), in float32 with the vector exp of softmax-inline.h. Matches
// src/backend/ref/softmax.ts (float64 there) within ~1e-6 relative. A row of all -inf gives NaN (0 / 0).
// Aliasing: y may be x itself (each element is read before it is written); mask overlaps nothing written.
// Rows are split over the thread pool.
#include "isa.h"
#include "kernels.h"
#include "softmax-inline.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool softmaxForward(const float* x, const float* mask, float* y, const nt::SoftmaxArgs& p) {
  const size_t d = p.d;
  if (d == 0) return true;
  nt::parallelFor(p.rows, static_cast<double>(p.rows) * static_cast<double>(d) * 16, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const float* xr = x + r * d;
      float* yr = y + r * d;
      const float* z = xr;
      if (mask) {
        const float* mr = mask + (r % p.maskRows) * d;
        for (size_t e = 0; e < d; ++e) yr[e] = xr[e] + mr[e];
        z = yr;
      }
      const float m = rowMax(z, d);
      const float inv = 1.0f / expShiftSum(z, yr, d, m);
      for (size_t e = 0; e < d; ++e) yr[e] *= inv;
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
