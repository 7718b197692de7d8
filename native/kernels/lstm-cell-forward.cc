// lstmCellForward: one LSTM time step's pointwise part (src/backend/backend.ts LstmCellParams): per row, the
// gate block a (i, f, g, o blocks of hs) becomes sigmoid, sigmoid, tanh, sigmoid of itself (in place, saved
// for the backward); c = f * cPrev + i * g; h = o * tanh(c). float32 with the vector sigmoid / tanh of
// lstm-inline.h; src/backend/ref/lstm-cell.ts (float64, Math.exp / Math.tanh) within ~1e-6.
// Aliasing: a, c, h overlap nothing (the addon checks). Rows split over the thread pool.
#include "isa.h"
#include "kernels.h"
#include "lstm-inline.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

/** Columns j .. j + kVecLen of one row (vector loads at a[j], a[hs + j], ...). */
static inline void lstmColumns(float* a, const float* cPrev, float* c, float* h, size_t hs, size_t j) {
  const VecF ig = sigmoidVec(loadu(a + j));
  const VecF fg = sigmoidVec(loadu(a + hs + j));
  const VecF gg = tanhVec(loadu(a + 2 * hs + j));
  const VecF og = sigmoidVec(loadu(a + 3 * hs + j));
  storeu(a + j, ig);
  storeu(a + hs + j, fg);
  storeu(a + 2 * hs + j, gg);
  storeu(a + 3 * hs + j, og);
  const VecF cv = fg * loadu(cPrev + j) + ig * gg;
  storeu(c + j, cv);
  storeu(h + j, og * tanhVec(cv));
}

bool lstmCellForward(float* a, const float* cPrev, float* c, float* h, const nt::LstmCellArgs& p) {
  const size_t hs = p.hs;
  if (hs == 0) return true;
  nt::parallelFor(p.rows, static_cast<double>(p.rows) * static_cast<double>(hs) * 60, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      float* ar = a + r * 4 * hs;
      const float* pr = cPrev + r * hs;
      float* cr = c + r * hs;
      float* hr = h + r * hs;
      size_t j = 0;
      for (; j + kVecLen <= hs; j += kVecLen) lstmColumns(ar, pr, cr, hr, hs, j);
      if (j < hs) {  // the tail through padded copies of the five rows' ends
        const size_t n = hs - j;
        float ta[4 * kVecLen] = {}, tp[kVecLen] = {}, tc[kVecLen], th[kVecLen];
        for (size_t q = 0; q < 4; ++q) for (size_t l = 0; l < n; ++l) ta[q * kVecLen + l] = ar[q * hs + j + l];
        for (size_t l = 0; l < n; ++l) tp[l] = pr[j + l];
        lstmColumns(ta, tp, tc, th, kVecLen, 0);
        for (size_t q = 0; q < 4; ++q) for (size_t l = 0; l < n; ++l) ar[q * hs + j + l] = ta[q * kVecLen + l];
        for (size_t l = 0; l < n; ++l) {
          cr[j + l] = tc[l];
          hr[j + l] = th[l];
        }
      }
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
