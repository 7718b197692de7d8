// reluForward: y = x where !(x < 0), else +0, like src/backend/ref/relu.ts (NaN of either sign and -0
// pass through). A compare-and-select the compiler vectorises; y may be x itself (in place), so no
// __restrict. Split over the thread pool for large arrays.
#include "isa.h"
#include "kernels.h"
#include "relu-inline.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool reluForward(const float* x, float* y, size_t len) {
  nt::parallelFor(len, streamWork(2.0 * static_cast<double>(len)), [&](size_t b, size_t e) {
    reluRange(x + b, y + b, e - b);
  });
  return true;
}

}  // namespace NT_ISA_NS
