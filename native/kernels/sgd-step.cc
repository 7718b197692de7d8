// sgdStep: one in-place SGD update over `len` elements, PyTorch 1.13 `_single_tensor_sgd` with
// PyTorch's float32 rounding, bit for bit like src/backend/ref/sgd.ts. Hyper-parameters are cast to
// float32 (lr, momentum, weightDecay, 1 - dampening); each `add(x, alpha=a)` is fused, x + a * y
// rounded once: computed in double, where the product of two floats is exact, then rounded to float.
//   d = maximize ? -g : g
//   if weightDecay != 0: d = f32(d + weightDecay * p)
//   if momentum != 0:  buf = firstStep ? d : f32(f32(buf * momentum) + (1 - dampening) * d)
//                      d = nesterov ? f32(d + momentum * buf) : buf
//   p = f32(p + (-lr) * d)
// FMA contraction is switched off for this file so that no float multiply-add is fused behind
// the code's back (each rounding above is deliberate).
// Aliasing: grad must not overlap param or buf; buf must not overlap param (the addon checks).
#include "fp-contract-off.h"

#include "isa.h"
#include "kernels.h"
#include "optim-rounding.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

template <bool kDecay, bool kMomentum>
void sgdRange(float* __restrict param, const float* __restrict grad, float* __restrict buf, const nt::SgdArgs& p,
              size_t begin, size_t end) {
  const float negLr = static_cast<float>(-p.lr), mom = static_cast<float>(p.momentum);
  const float wd = static_cast<float>(p.weightDecay), damp = static_cast<float>(1.0 - p.dampening);
  const float sign = p.maximize ? -1.0f : 1.0f;  // exact: g * -1 == -g
  const bool first = p.firstStep, nesterov = p.nesterov;
  for (size_t i = begin; i < end; ++i) {
    float d = grad[i] * sign;
    if (kDecay) d = fusedAdd(d, wd, param[i]);
    if (kMomentum) {
      const float b = first ? d : fusedAdd(buf[i] * mom, damp, d);
      buf[i] = b;
      d = nesterov ? fusedAdd(d, mom, b) : b;
    }
    param[i] = fusedAdd(param[i], negLr, d);
  }
}

}  // namespace

bool sgdStep(float* param, const float* grad, float* buf, const nt::SgdArgs& p) {
  // Like the ref: the float32-cast hyper-parameters decide (a momentum that rounds to 0 is 0).
  const bool decay = static_cast<float>(p.weightDecay) != 0.0f, momentum = static_cast<float>(p.momentum) != 0.0f;
  nt::parallelFor(p.len, 8.0 * static_cast<double>(p.len), [&](size_t b, size_t e) {
    if (decay && momentum) sgdRange<true, true>(param, grad, buf, p, b, e);
    else if (decay) sgdRange<true, false>(param, grad, buf, p, b, e);
    else if (momentum) sgdRange<false, true>(param, grad, buf, p, b, e);
    else sgdRange<false, false>(param, grad, buf, p, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
