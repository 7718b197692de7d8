// The kernel table shared by addon.cc and every ISA build of native/kernels/*.cc.
//
// Only plain structs and declarations live here (no inline code): this header is compiled both into
// the ISA libraries (e.g. with -mavx2) and into the baseline addon code, and an inline function
// emitted by an AVX2 object could be the copy the linker keeps and then run on a CPU without AVX2.
// All sizes are validated by native/common.h before any kernel runs.
#pragma once

#include <cstddef>

namespace nt {

/** C (m, n) = alpha * op(A) @ op(B) + beta * C; see src/backend/backend.ts MatmulParams. */
struct MatmulArgs {
  size_t m, n, k;
  bool transA, transB;
  float alpha, beta;
};

/** One conv1d, NCL layout; see src/backend/backend.ts Conv1dParams. groups divides cIn and cOut. */
struct Conv1dArgs {
  size_t n, cIn, cOut, l, k, stride, padding, dilation, groups, lOut;
};

/** One in-place SGD update; see src/backend/backend.ts SgdParams. len = elements of each array. */
struct SgdArgs {
  size_t len;
  double lr, momentum, dampening, weightDecay;
  bool nesterov, maximize, firstStep;
};

/** One 1-D max pooling over n * c rows; see src/backend/backend.ts Pool1dParams. */
struct Pool1dArgs {
  size_t n, c, l, k, stride, padding, dilation, lOut;
};

/** One batch normalisation over x (n, c, inner); see src/backend/backend.ts BatchNormParams. */
struct BatchNormArgs {
  size_t n, c, inner;
  bool training;
  double eps;
};

/**
 * The kernels of one ISA build. Each returns false only if it could not get scratch memory (the caller
 * then throws); outputs may be partly written in that case.
 */
struct KernelTable {
  const char* isa;
  bool (*matmul)(const float* a, const float* b, float* c, const MatmulArgs& p);
  bool (*conv1dForward)(const float* x, const float* w, const float* bias, float* y, const Conv1dArgs& p);
  bool (*conv1dBackwardInput)(const float* gy, const float* w, float* gx, const Conv1dArgs& p);
  bool (*conv1dBackwardWeight)(const float* x, const float* gy, float* gw, float* gb, const Conv1dArgs& p);
  bool (*sgdStep)(float* param, const float* grad, float* buf, const SgdArgs& p);
  // y may be x itself; gx may be gy itself (elementwise, in place).
  bool (*reluForward)(const float* x, float* y, size_t len);
  bool (*reluBackward)(const float* y, const float* gy, float* gx, size_t len);
  // idx is uint8_t* when idx32 is false (k <= 256), else int32_t*.
  bool (*maxPool1dForward)(const float* x, float* y, void* idx, bool idx32, const Pool1dArgs& p);
  bool (*maxPool1dBackward)(const float* gy, const void* idx, bool idx32, float* gx, const Pool1dArgs& p);
  // weight / bias may be null; mean / invstd are outputs in training, inputs otherwise.
  bool (*batchNormForward)(const float* x, const float* weight, const float* bias, double* mean, double* invstd,
                           float* y, const BatchNormArgs& p);
  // gx, gw, gb may each be null; gx may be gy itself.
  bool (*batchNormBackward)(const float* gy, const float* x, const float* weight, const double* mean,
                            const double* invstd, float* gx, float* gw, float* gb, const BatchNormArgs& p);
};

}  // namespace nt

// One table per ISA library; addon.cc picks one at load time.
namespace nt_baseline {
const nt::KernelTable& kernelTable();
}
#if defined(NT_HAVE_AVX2)
namespace nt_avx2 {
const nt::KernelTable& kernelTable();
}
#endif
