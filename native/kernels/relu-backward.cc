// reluBackward: gx = gy where the relu output y is > 0 or NaN, else +0 (PyTorch's threshold_backward,
// `y <= 0 ? 0 : gy`), like src/backend/ref/relu.ts. gx may be gy itself (in place), so no __restrict.
#include "isa.h"
#include "kernels.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool reluBackward(const float* y, const float* gy, float* gx, size_t len) {
  nt::parallelFor(len, streamWork(3.0 * static_cast<double>(len)), [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      const float g = gy[i];
      gx[i] = y[i] <= 0.0f ? 0.0f : g;
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
