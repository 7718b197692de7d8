// add: out = a + b elementwise, each sum rounded to float32, like src/backend/ref/add.ts. out may be a or
// b itself (in place), so no __restrict; the loop vectorises as it stands. Split over the thread pool for
// large arrays.
#include "isa.h"
#include "kernels.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

bool add(const float* a, const float* b, float* out, size_t len) {
  nt::parallelFor(len, streamWork(3.0 * static_cast<double>(len)), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = a[i] + b[i];
  });
  return true;
}

}  // namespace NT_ISA_NS
