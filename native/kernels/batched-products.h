// The thread split shared by bmm and bmmHeads: `batch` independent (m x k) @ (k x n) products, each
// 2 * m * n * k flops of work.
// A product big enough for the pool's split (nt::kParallelMinWork) runs through gemmThreaded, which splits
// that product's tiles among the pool; smaller ones (attention's per-head products, e.g. 64 x 64 x 32)
// would each stay on one thread, so the batch is split instead, each product on one thread's gemm(). Each
// C element goes through the same operations either way (gemm.h).
#pragma once

#include <cstddef>

#include "../threadpool.h"

namespace NT_ISA_NS {

/**
 * Runs product(i, threaded) for i < batch as described above, each product (m, k) @ (k, n); false when
 * any product returned false.
 */
template <typename Product>
bool runProducts(size_t batch, size_t m, size_t n, size_t k, const Product& product) {
  const double work = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  if (batch > 1 && work < nt::kParallelMinWork) {
    int failed = 0;
    nt::parallelFor(batch, work * static_cast<double>(batch), [&](size_t b0, size_t b1) {
      for (size_t i = b0; i < b1; i++) {
        if (!product(i, false)) return __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
      }
    });
    return failed == 0;
  }
  for (size_t i = 0; i < batch; i++) {
    if (!product(i, true)) return false;
  }
  return true;
}

}  // namespace NT_ISA_NS
