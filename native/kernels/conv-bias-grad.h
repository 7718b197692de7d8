// The bias gradient of the conv kernels (conv1d and conv2d backward weight), per ISA (see isa.h).
#pragma once

#include "isa.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

/** Sum of x[0 .. len) in float SIMD lanes (4 vectors), the lanes then the tail added in order. */
static inline float rowSum(const float* __restrict x, size_t len) {
  VecF acc[4] = {VecF{}, VecF{}, VecF{}, VecF{}};
  size_t i = 0;
  for (; i + 4 * kVecLen <= len; i += 4 * kVecLen)
    for (size_t v = 0; v < 4; ++v) acc[v] += loadu(x + i + v * kVecLen);
  VecF s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  float total = 0.0f;
  for (size_t v = 0; v < kVecLen; ++v) total += s[v];
  for (; i < len; ++i) total += x[i];
  return total;
}

/**
 * gb[o] = sum over b < n of the row gy[b, o, 0 .. len) (gy is (n, cOut, len)): each row summed by
 * rowSum, the rows in double. Threads split the channels.
 */
static inline void biasGrad(const float* gy, float* gb, size_t n, size_t cOut, size_t len) {
  const double work = static_cast<double>(n) * static_cast<double>(cOut) * static_cast<double>(len);
  nt::parallelFor(cOut, work, [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; ++o) {
      double s = 0.0;
      for (size_t b = 0; b < n; ++b) s += rowSum(gy + (b * cOut + o) * len, len);
      gb[o] = static_cast<float>(s);
    }
  });
}

}  // namespace NT_ISA_NS
