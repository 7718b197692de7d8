// sgdStep: one in-place SGD update over `len` elements, PyTorch 1.13 `_single_tensor_sgd`, rounding
// to float32 after every operation PyTorch performs as a separate tensor op (exactly like
// src/backend/ref/sgd.ts, bit for bit):
//   d = maximize ? -g : g
//   if weightDecay != 0: d = d + f32(weightDecay * p)
//   if momentum != 0:  buf = firstStep ? d : f32(buf * momentum) + f32((1 - dampening) * d)
//                      d = nesterov ? d + f32(momentum * buf) : buf
//   p = p - f32(lr * d)
// Products with a double hyper-parameter are formed in double and rounded once. FMA contraction is
// switched off for this file: a fused multiply-add would skip one of those roundings.
// Aliasing: grad must not overlap param or buf; buf must not overlap param (the addon checks).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "isa.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

template <bool kDecay, bool kMomentum>
void sgdRange(float* __restrict param, const float* __restrict grad, float* __restrict buf, const nt::SgdArgs& p,
              size_t begin, size_t end) {
  const double lr = p.lr, mom = p.momentum, wd = p.weightDecay;
  const float damp = static_cast<float>(1.0 - p.dampening);
  const float sign = p.maximize ? -1.0f : 1.0f;  // exact: g * -1 == -g
  const bool first = p.firstStep, nesterov = p.nesterov;
  for (size_t i = begin; i < end; ++i) {
    float d = grad[i] * sign;
    if (kDecay) d = d + static_cast<float>(wd * static_cast<double>(param[i]));
    if (kMomentum) {
      const float old = static_cast<float>(static_cast<double>(buf[i]) * mom) + damp * d;
      const float b = first ? d : old;
      buf[i] = b;
      d = nesterov ? d + static_cast<float>(mom * static_cast<double>(b)) : b;
    }
    param[i] = param[i] - static_cast<float>(lr * static_cast<double>(d));
  }
}

}  // namespace

bool sgdStep(float* param, const float* grad, float* buf, const nt::SgdArgs& p) {
  const bool decay = p.weightDecay != 0.0, momentum = p.momentum != 0.0;
  nt::parallelFor(p.len, 8.0 * static_cast<double>(p.len), [&](size_t b, size_t e) {
    if (decay && momentum) sgdRange<true, true>(param, grad, buf, p, b, e);
    else if (decay) sgdRange<true, false>(param, grad, buf, p, b, e);
    else if (momentum) sgdRange<false, true>(param, grad, buf, p, b, e);
    else sgdRange<false, false>(param, grad, buf, p, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
