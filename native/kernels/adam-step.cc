// adamStep: one in-place Adam / AdamW update over `len` elements, PyTorch 1.13 `_single_tensor_adam(w)` with
// PyTorch's float32 rounding, bit for bit like src/backend/ref/adam.ts (the formula: AdamParams in
// src/backend/backend.ts). Hyper-parameters are cast to float32; each fused `x + a * y` (add with alpha,
// addcmul) is computed in double, where the product of two floats is exact, then rounded once; a lone
// float product, quotient or square root is the correctly rounded float operation.
// FMA contraction is switched off for this file so that no float multiply-add is fused behind the code's
// back (each rounding above is deliberate). The loop is branch-free per element for the common flags, so
// the compiler vectorises it with the ISA's float / double lanes.
// Aliasing: no array overlaps another (the addon checks).
#include "fp-contract-off.h"

#include <cmath>

#include "isa.h"
#include "kernels.h"
#include "optim-rounding.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** The float32-rounded scalars of one step (as the ref computes them, in double then rounded). */
struct Scalars {
  float b1, b2, oneMinusB1, oneMinusB2, eps, wd, decay, negStepSize, bc2Sqrt, sign;
};

/** JS Math.max of two second moments: NaN if either is NaN, +0 over -0. */
inline float jsMax(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return NAN;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

template <bool kDecoupled, bool kL2, bool kAmsgrad>
void adamRange(float* __restrict param, const float* __restrict grad, float* __restrict m, float* __restrict v,
               float* __restrict vMax, const Scalars& s, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    float g = grad[i] * s.sign;  // exact: g * -1 == -g
    float p = param[i];
    if (kDecoupled) p = p * s.decay;
    if (kL2) g = fusedAdd(g, s.wd, p);
    const float mi = fusedAdd(m[i] * s.b1, s.oneMinusB1, g);
    m[i] = mi;
    const float vi = fusedAdd(v[i] * s.b2, s.oneMinusB2 * g, g);
    v[i] = vi;
    float second = vi;
    if (kAmsgrad) {
      second = jsMax(vMax[i], vi);
      vMax[i] = second;
    }
    const float denom = std::sqrt(second) / s.bc2Sqrt + s.eps;
    param[i] = p + (s.negStepSize * mi) / denom;
  }
}

}  // namespace

bool adamStep(float* param, const float* grad, float* expAvg, float* expAvgSq, float* maxExpAvgSq,
              const nt::AdamArgs& p) {
  Scalars s{};
  s.b1 = static_cast<float>(p.beta1);
  s.b2 = static_cast<float>(p.beta2);
  s.oneMinusB1 = static_cast<float>(1.0 - p.beta1);
  s.oneMinusB2 = static_cast<float>(1.0 - p.beta2);
  s.eps = static_cast<float>(p.eps);
  s.wd = static_cast<float>(p.weightDecay);
  s.decay = static_cast<float>(1.0 - p.lr * p.weightDecay);
  s.negStepSize = static_cast<float>(-(p.lr / p.biasCorrection1));
  s.bc2Sqrt = static_cast<float>(std::sqrt(p.biasCorrection2));
  s.sign = p.maximize ? -1.0f : 1.0f;
  // Like the ref: the L2 term needs a non-zero weight decay (in double) and no decoupling.
  const bool dec = p.decoupled, l2 = !p.decoupled && p.weightDecay != 0, ams = p.amsgrad;
  nt::parallelFor(p.len, 24.0 * static_cast<double>(p.len), [&](size_t b, size_t e) {
    float* vm = maxExpAvgSq;
    if (dec && ams) adamRange<true, false, true>(param, grad, expAvg, expAvgSq, vm, s, b, e);
    else if (dec) adamRange<true, false, false>(param, grad, expAvg, expAvgSq, vm, s, b, e);
    else if (l2 && ams) adamRange<false, true, true>(param, grad, expAvg, expAvgSq, vm, s, b, e);
    else if (l2) adamRange<false, true, false>(param, grad, expAvg, expAvgSq, vm, s, b, e);
    else if (ams) adamRange<false, false, true>(param, grad, expAvg, expAvgSq, vm, s, b, e);
    else adamRange<false, false, false>(param, grad, expAvg, expAvgSq, vm, s, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
