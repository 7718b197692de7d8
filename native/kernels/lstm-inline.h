// LSTM step helpers (per ISA, see isa.h): vector sigmoid and tanh from expNeg (softmax-inline.h), both
// through e = exp(-|x|) <= 1 so nothing overflows: sigmoid(x) = 1 / (1 + e) for x >= 0, e / (1 + e) below;
// tanh(x) = sign(x) (1 - e2) / (1 + e2) with e2 = exp(-2 |x|) (absolute error ~1e-7 near 0). NaN stays NaN.
#pragma once

#include "isa.h"
#include "softmax-inline.h"

namespace NT_ISA_NS {

static inline VecF absVec(VecF x) {
  const VecI mask = (VecI)splat(0.0f) + 0x7fffffff;
  return (VecF)((VecI)x & mask);
}

static inline VecF sigmoidVec(VecF x) {
  const VecF e = expNeg(-absVec(x));
  const VecF one = splat(1.0f);
  const VecF r = one / (one + e);
  return x >= splat(0.0f) ? r : e * r;
}

static inline VecF tanhVec(VecF x) {
  const VecF e = expNeg(splat(-2.0f) * absVec(x));
  const VecF one = splat(1.0f);
  const VecF t = (one - e) / (one + e);
  return (VecF)((VecI)t | ((VecI)x & ((VecI)splat(0.0f) + (int32_t)0x80000000)));  // tanh(-x) = -tanh(x), -0 kept
}

}  // namespace NT_ISA_NS
