// Window geometry shared by the maxPool1d kernels (per ISA, see isa.h).
#pragma once

#include "isa.h"
#include "kernels.h"

namespace NT_ISA_NS {

/**
 * The outputs [*lo, *hi) of a row whose windows lie fully inside the input: window o covers
 * o * stride - padding + j * dilation for j < k, so lo = ceil(padding / stride) and
 * hi = floor((l - 1 - (k - 1) * dilation + padding) / stride) + 1, both clamped to [0, lOut] and lo <= hi.
 * Sizes are validated by the addon (the dilated span fits in int64).
 */
static inline void poolInterior(const nt::Pool1dArgs& p, size_t* lo, size_t* hi) {
  const int64_t s = static_cast<int64_t>(p.stride), lOut = static_cast<int64_t>(p.lOut);
  int64_t a = (static_cast<int64_t>(p.padding) + s - 1) / s;
  if (a > lOut) a = lOut;
  const int64_t num = static_cast<int64_t>(p.l) - 1 - static_cast<int64_t>((p.k - 1) * p.dilation) +
                      static_cast<int64_t>(p.padding);
  int64_t b = num < 0 ? 0 : num / s + 1;  // floor(num / s) + 1 <= 0 for num < 0
  if (b > lOut) b = lOut;
  if (b < a) b = a;
  *lo = static_cast<size_t>(a);
  *hi = static_cast<size_t>(b);
}

}  // namespace NT_ISA_NS
