// Packed SGEMM (GotoBLAS loop order, one thread). See gemm.h for the contract.
//
//   for jc (NC columns of C):  for pc (KC of k):  pack B[pc.., jc..] into NR-wide panels
//     for ic (MC rows of C):  pack A[ic.., pc..] into MR-tall panels
//       for each NR panel, for each MR panel: micro-kernel over kc -> C tile (MR x NR)
// The B panel (KC x NR floats) stays in L1 across the MR panels, the A block (MC x KC) in L2.
// Packed panels are zero-padded to full MR / NR, so the micro-kernel never branches on edges.
#include "gemm.h"

namespace NT_ISA_NS {

namespace {

constexpr size_t MR = kGemmMR, NR = kGemmNR, NV = NR / kVecLen;
constexpr size_t KC = 256, MC = 20 * MR, NC = 128 * NR;

// ap[panel][t][r] = A(r0 + panel * MR + r, t0 + t), zero for rows past mc.
void packA(size_t mc, size_t kc, const MatRef& a, size_t r0, size_t t0, float* __restrict ap) {
  for (size_t i = 0; i < mc; i += MR, ap += kc * MR) {
    size_t mr = minz(MR, mc - i);
    const float* src = a.p + static_cast<ptrdiff_t>(r0 + i) * a.rs + static_cast<ptrdiff_t>(t0) * a.cs;
    if (a.cs == 1) {  // rows contiguous: read each row along t
      for (size_t r = 0; r < mr; ++r)
        for (size_t t = 0; t < kc; ++t) ap[t * MR + r] = src[static_cast<ptrdiff_t>(r) * a.rs + t];
    } else {
      for (size_t t = 0; t < kc; ++t)
        for (size_t r = 0; r < mr; ++r)
          ap[t * MR + r] = src[static_cast<ptrdiff_t>(r) * a.rs + static_cast<ptrdiff_t>(t) * a.cs];
    }
    for (size_t r = mr; r < MR; ++r)
      for (size_t t = 0; t < kc; ++t) ap[t * MR + r] = 0.0f;
  }
}

// bp[panel][t][c] = B(t0 + t, c0 + panel * NR + c), zero for columns past nc.
void packB(size_t kc, size_t nc, const MatRef& b, size_t t0, size_t c0, float* __restrict bp) {
  for (size_t j = 0; j < nc; j += NR, bp += kc * NR) {
    size_t nr = minz(NR, nc - j);
    const float* src = b.p + static_cast<ptrdiff_t>(t0) * b.rs + static_cast<ptrdiff_t>(c0 + j) * b.cs;
    if (b.cs == 1) {  // rows contiguous
      for (size_t t = 0; t < kc; ++t) {
        const float* row = src + static_cast<ptrdiff_t>(t) * b.rs;
        float* dst = bp + t * NR;
        for (size_t c = 0; c < nr; ++c) dst[c] = row[c];
        for (size_t c = nr; c < NR; ++c) dst[c] = 0.0f;
      }
    } else {
      for (size_t c = 0; c < nr; ++c)
        for (size_t t = 0; t < kc; ++t)
          bp[t * NR + c] = src[static_cast<ptrdiff_t>(t) * b.rs + static_cast<ptrdiff_t>(c) * b.cs];
      for (size_t t = 0; t < kc; ++t)
        for (size_t c = nr; c < NR; ++c) bp[t * NR + c] = 0.0f;
    }
  }
}

// C tile (mr x nr) = alpha * sum_t ap[t][:] (x) bp[t][:] + beta * C (beta == 0: C ignored).
// The MR x NV vector accumulators live in registers (the loops over r and v fully unroll).
void microKernel(size_t kc, const float* __restrict ap, const float* __restrict bp, float alpha, float beta,
                 float* __restrict c, size_t ldc, size_t mr, size_t nr) {
  VecF acc[MR][NV];
  for (size_t r = 0; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) acc[r][v] = VecF{};
  for (size_t t = 0; t < kc; ++t, ap += MR, bp += NR) {
    VecF b[NV];
    for (size_t v = 0; v < NV; ++v) b[v] = *reinterpret_cast<const VecF*>(bp + v * kVecLen);
#pragma GCC unroll 8
    for (size_t r = 0; r < MR; ++r) {
      VecF ar = splat(ap[r]);
      for (size_t v = 0; v < NV; ++v) acc[r][v] += ar * b[v];
    }
  }
  const VecF va = splat(alpha), vb = splat(beta);
  if (mr == MR && nr == NR) {
    for (size_t r = 0; r < MR; ++r) {
      float* row = c + r * ldc;
      for (size_t v = 0; v < NV; ++v) {
        VecF out = va * acc[r][v];
        if (beta != 0.0f) out += vb * loadu(row + v * kVecLen);
        storeu(row + v * kVecLen, out);
      }
    }
    return;
  }
  float tile[MR][NR];
  for (size_t r = 0; r < MR; ++r)
    for (size_t v = 0; v < NV; ++v) storeu(&tile[r][v * kVecLen], va * acc[r][v]);
  for (size_t r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    if (beta != 0.0f) {
      for (size_t j = 0; j < nr; ++j) row[j] = tile[r][j] + beta * row[j];
    } else {
      for (size_t j = 0; j < nr; ++j) row[j] = tile[r][j];
    }
  }
}

// C = beta * C (beta == 0 writes zeros): the whole product when k == 0.
void scaleC(size_t m, size_t n, float beta, float* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.0f) {
      for (size_t j = 0; j < n; ++j) row[j] = 0.0f;
    } else if (beta != 1.0f) {
      for (size_t j = 0; j < n; ++j) row[j] *= beta;
    }
  }
}

struct Scratch {
  float* p = nullptr;
  size_t cap = 0;  // floats
  ~Scratch() { std::free(p); }
  float* get(size_t n) {
    if (n <= cap) return p;
    size_t bytes = roundUp(n * sizeof(float), 64);
    void* q = nullptr;
    if (posix_memalign(&q, 64, bytes) != 0) return nullptr;
    std::free(p);
    p = static_cast<float*>(q);
    cap = bytes / sizeof(float);
    return p;
  }
};

}  // namespace

float* scratch(ScratchSlot slot, size_t n) {
  static thread_local Scratch slots[kScratchSlots];
  return slots[slot].get(n == 0 ? 1 : n);
}

bool gemm(size_t m, size_t n, size_t k, float alpha, MatRef a, MatRef b, float beta, float* c, size_t ldc) {
  if (m == 0 || n == 0) return true;
  if (k == 0) {
    scaleC(m, n, beta, c, ldc);
    return true;
  }
  size_t kcMax = minz(k, KC);
  float* bp = scratch(kScratchPackB, kcMax * roundUp(minz(n, NC), NR));
  float* ap = scratch(kScratchPackA, kcMax * roundUp(minz(m, MC), MR));
  if (bp == nullptr || ap == nullptr) return false;
  for (size_t jc = 0; jc < n; jc += NC) {
    size_t nc = minz(NC, n - jc);
    for (size_t pc = 0; pc < k; pc += KC) {
      size_t kc = minz(KC, k - pc);
      float betaNow = pc == 0 ? beta : 1.0f;  // later k-blocks accumulate
      packB(kc, nc, b, pc, jc, bp);
      for (size_t ic = 0; ic < m; ic += MC) {
        size_t mc = minz(MC, m - ic);
        packA(mc, kc, a, ic, pc, ap);
        for (size_t jr = 0; jr < nc; jr += NR) {
          for (size_t ir = 0; ir < mc; ir += MR) {
            microKernel(kc, ap + ir * kc, bp + jr * kc, alpha, betaNow, c + (ic + ir) * ldc + jc + jr, ldc,
                        minz(MR, mc - ir), minz(NR, nc - jr));
          }
        }
      }
    }
  }
  return true;
}

}  // namespace NT_ISA_NS
