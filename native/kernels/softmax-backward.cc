// softmaxBackward: gx = y * (gy - sum(gy * y)) per row of d floats (src/backend/backend.ts SoftmaxParams),
// the dot in float32 vector lanes (src/backend/ref/softmax.ts sums in float64).
// Aliasing: gx may be gy itself (a row's dot is taken before its gx is written); nothing else.
// Rows are split over the thread pool.
#include "isa.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool softmaxBackward(const float* y, const float* gy, float* gx, const nt::SoftmaxArgs& p) {
  const size_t d = p.d;
  if (d == 0) return true;
  nt::parallelFor(p.rows, static_cast<double>(p.rows) * static_cast<double>(d) * 4, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const float* yr = y + r * d;
      const float* gr = gy + r * d;
      float* xr = gx + r * d;
      VecF acc = splat(0.0f);
      size_t e = 0;
      for (; e + kVecLen <= d; e += kVecLen) acc += loadu(gr + e) * loadu(yr + e);
      float dot = 0;
      for (size_t l = 0; l < kVecLen; ++l) dot += acc[l];
      for (; e < d; ++e) dot += gr[e] * yr[e];
      for (e = 0; e < d; ++e) xr[e] = yr[e] * (gr[e] - dot);
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
