// relu as an epilogue (per ISA, see isa.h): y = x where !(x < 0), else +0 (NaN of either sign and -0
// pass through), exactly reluForward. A compare-and-select the compiler vectorises (-fno-trapping-math).
// Used by reluForward and by the kernels that fuse a relu into their output pass (conv1dForward and
// batchNormForward with p.relu), so the fused and unfused paths give the same bits.
#pragma once

#include "isa.h"

namespace NT_ISA_NS {

/** y[i] = relu(x[i]) for i < n; y may be x (in place). */
static inline void reluRange(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = v < 0.0f ? 0.0f : v;
  }
}

}  // namespace NT_ISA_NS
