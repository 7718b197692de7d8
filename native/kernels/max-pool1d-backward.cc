// maxPool1dBackward: gx = 0, then gx[o * stride - padding + idx * dilation] += gy for every output o in
// order, per row; exactly src/backend/ref/max-pool1d.ts (float adds in the same order, so bit for bit).
// The addon has checked every idx value is in [0, k), so interior windows stay inside the row; border
// windows also check the position. Rows are split over the thread pool (each row owns its gx row).
#include "isa.h"
#include "kernels.h"
#include "pool1d-common.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

template <class Idx>
void scatterRows(const float* gy, const Idx* idx, float* gx, const nt::Pool1dArgs& p, size_t r0, size_t r1) {
  size_t oLo, oHi;
  poolInterior(p, &oLo, &oHi);
  const size_t l = p.l, s = p.stride, d = p.dilation, lOut = p.lOut, pad = p.padding;
  const int64_t L = static_cast<int64_t>(l);
  if (r1 > r0) memset(gx + r0 * l, 0, (r1 - r0) * l * sizeof(float));
  for (size_t r = r0; r < r1; ++r) {
    float* gr = gx + r * l;
    const float* g = gy + r * lOut;
    const Idx* ir = idx + r * lOut;
    for (size_t o = 0; o < oLo; ++o) {
      const int64_t q = static_cast<int64_t>(o * s) - static_cast<int64_t>(pad) + static_cast<int64_t>(ir[o]) *
                        static_cast<int64_t>(d);
      if (q >= 0 && q < L) gr[q] += g[o];
    }
    for (size_t o = oLo; o < oHi; ++o) gr[o * s - pad + static_cast<size_t>(ir[o]) * d] += g[o];
    for (size_t o = oHi; o < lOut; ++o) {
      const int64_t q = static_cast<int64_t>(o * s) - static_cast<int64_t>(pad) + static_cast<int64_t>(ir[o]) *
                        static_cast<int64_t>(d);
      if (q >= 0 && q < L) gr[q] += g[o];
    }
  }
}

}  // namespace

bool maxPool1dBackward(const float* gy, const void* idx, bool idx32, float* gx, const nt::Pool1dArgs& p) {
  const size_t rows = p.n * p.c;
  const double work = static_cast<double>(rows) * static_cast<double>(p.lOut + p.l);
  nt::parallelFor(rows, work, [&](size_t b, size_t e) {
    if (idx32) scatterRows(gy, static_cast<const int32_t*>(idx), gx, p, b, e);
    else scatterRows(gy, static_cast<const uint8_t*>(idx), gx, p, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
