// The optimizer kernels' one rounding helper (per ISA, see isa.h), shared by sgdStep and adamStep so both
// round a multiply-add the way the ref (TypeScript) update does: in double, then once to float.
#pragma once

#include "isa.h"

namespace NT_ISA_NS {

/** x + a * y rounded once to float (the product of two floats is exact in double). */
static inline float fusedAdd(float x, float a, float y) {
  return static_cast<float>(static_cast<double>(x) + static_cast<double>(a) * static_cast<double>(y));
}

}  // namespace NT_ISA_NS
