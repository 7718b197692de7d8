// Softmax helpers (per ISA, see isa.h): a vector exp for arguments <= 0 and row max / exp-sum passes,
// shared by softmaxForward and softmaxBackward's files.
//
// expNeg is the classic Cephes expf scheme (range reduction x = n ln2 + r with ln2 split in two, a degree-6
// polynomial for exp(r) on |r| <= ln2 / 2, then 2^n put into the exponent bits), written branch-free on
// vectors: relative error ~2 ulp. Arguments below -87 give +0 (exp would be a denormal < 1.7e-38), -inf
// gives +0, NaN stays NaN. Rounding x log2(e) to the integer n uses the 1.5 * 2^23 trick, so SSE2 (no
// round instruction) vectorises it too.
#pragma once

#include "isa.h"

namespace NT_ISA_NS {

typedef int32_t VecI __attribute__((vector_size(kVecLen * sizeof(int32_t))));

static inline VecF expNeg(VecF x) {
  const VecF lo = splat(-87.0f);
  const VecF magic = splat(12582912.0f);  // 1.5 * 2^23: adding it rounds to an integer kept in the low bits
  const VecF xc = x < lo ? lo : x;        // NaN compares false: stays NaN
  const VecF t = xc * splat(1.44269504088896341f) + magic;
  const VecF n = t - magic;
  const VecF r = xc - n * splat(0.693359375f) + n * splat(2.12194440e-4f);
  VecF p = splat(1.9875691500e-4f);
  p = p * r + splat(1.3981999507e-3f);
  p = p * r + splat(8.3334519073e-3f);
  p = p * r + splat(4.1665795894e-2f);
  p = p * r + splat(1.6666665459e-1f);
  p = p * r + splat(5.0000001201e-1f);
  const VecF e = p * r * r + r + splat(1.0f);
  const VecI ni = (VecI)t - (VecI)magic;
  const VecI bits = (ni + 127) << 23;
  const VecF y = e * (VecF)bits;
  return x < lo ? splat(0.0f) : y;
}

/** Largest of v[0 .. n) (n >= 1), NaN if any is NaN; -inf and +0/-0 compare as usual. */
static inline float rowMax(const float* v, size_t n) {
  VecF m = splat(-__builtin_inff());
  VecF nan = splat(0.0f);
  size_t i = 0;
  for (; i + kVecLen <= n; i += kVecLen) {
    const VecF x = loadu(v + i);
    m = x > m ? x : m;
    nan = x != x ? x : nan;
  }
  float r = -__builtin_inff();
  bool anyNan = false;
  for (size_t l = 0; l < kVecLen; ++l) {
    r = m[l] > r ? m[l] : r;
    anyNan = anyNan || nan[l] != nan[l];
  }
  for (; i < n; ++i) {
    r = v[i] > r ? v[i] : r;
    anyNan = anyNan || v[i] != v[i];
  }
  return anyNan ? __builtin_nanf("") : r;
}

/** y[i] = exp(z[i] - m) for i < n, returning their float32 sum; y may be z (in place). */
static inline float expShiftSum(const float* z, float* y, size_t n, float m) {
  const VecF mv = splat(m);
  VecF acc = splat(0.0f);
  size_t i = 0;
  for (; i + kVecLen <= n; i += kVecLen) {
    const VecF e = expNeg(loadu(z + i) - mv);
    storeu(y + i, e);
    acc += e;
  }
  float s = 0;
  for (size_t l = 0; l < kVecLen; ++l) s += acc[l];
  if (i < n) {  // the tail through one padded vector (exp(-inf) = +0 adds nothing)
    float tail[kVecLen];
    for (size_t l = 0; l < kVecLen; ++l) tail[l] = i + l < n ? z[i + l] - m : -__builtin_inff();
    const VecF e = expNeg(loadu(tail));
    for (size_t l = 0; l < kVecLen; ++l) {
      if (i + l < n) y[i + l] = e[l];
      s += e[l];
    }
  }
  return s;
}

}  // namespace NT_ISA_NS
