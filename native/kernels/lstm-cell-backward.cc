// lstmCellBackward: one LSTM time step's pointwise backward (src/backend/backend.ts LstmCellParams): from
// the saved activations act (i, f, g, o), cPrev and c, with tc = tanh(c) and dcv = dc + dh * o * (1 - tc^2):
// da = (dcv g i (1 - i), dcv cPrev f (1 - f), dcv i (1 - g^2), dh tc o (1 - o)); dc = dcv * f (in place).
// float32 with the vector tanh of lstm-inline.h; src/backend/ref/lstm-cell.ts (float64) within ~1e-6.
// Aliasing: dc and da overlap nothing (the addon checks). Rows split over the thread pool.
#include "isa.h"
#include "kernels.h"
#include "lstm-inline.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

/** Columns j .. j + kVecLen of one row. */
static inline void lstmGradColumns(const float* act, const float* cPrev, const float* c, const float* dh, float* dc, float* da,
                                   size_t hs, size_t j) {
  const VecF one = splat(1.0f);
  const VecF ig = loadu(act + j), fg = loadu(act + hs + j), gg = loadu(act + 2 * hs + j), og = loadu(act + 3 * hs + j);
  const VecF tc = tanhVec(loadu(c + j));
  const VecF d = loadu(dh + j);
  const VecF dcv = loadu(dc + j) + d * og * (one - tc * tc);
  storeu(da + j, dcv * gg * ig * (one - ig));
  storeu(da + hs + j, dcv * loadu(cPrev + j) * fg * (one - fg));
  storeu(da + 2 * hs + j, dcv * ig * (one - gg * gg));
  storeu(da + 3 * hs + j, d * tc * og * (one - og));
  storeu(dc + j, dcv * fg);
}

bool lstmCellBackward(const float* act, const float* cPrev, const float* c, const float* dh, float* dc, float* da,
                      const nt::LstmCellArgs& p) {
  const size_t hs = p.hs;
  if (hs == 0) return true;
  nt::parallelFor(p.rows, static_cast<double>(p.rows) * static_cast<double>(hs) * 40, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const float* ar = act + r * 4 * hs;
      float* dar = da + r * 4 * hs;
      const size_t o = r * hs;
      size_t j = 0;
      for (; j + kVecLen <= hs; j += kVecLen) lstmGradColumns(ar, cPrev + o, c + o, dh + o, dc + o, dar, hs, j);
      if (j < hs) {  // the tail through padded copies
        const size_t n = hs - j;
        float ta[4 * kVecLen] = {}, tp[kVecLen] = {}, tc[kVecLen] = {}, th[kVecLen] = {}, tdc[kVecLen] = {}, tda[4 * kVecLen];
        for (size_t q = 0; q < 4; ++q) for (size_t l = 0; l < n; ++l) ta[q * kVecLen + l] = ar[q * hs + j + l];
        for (size_t l = 0; l < n; ++l) {
          tp[l] = cPrev[o + j + l];
          tc[l] = c[o + j + l];
          th[l] = dh[o + j + l];
          tdc[l] = dc[o + j + l];
        }
        lstmGradColumns(ta, tp, tc, th, tdc, tda, kVecLen, 0);
        for (size_t q = 0; q < 4; ++q) for (size_t l = 0; l < n; ++l) dar[q * hs + j + l] = tda[q * kVecLen + l];
        for (size_t l = 0; l < n; ++l) dc[o + j + l] = tdc[l];
      }
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
