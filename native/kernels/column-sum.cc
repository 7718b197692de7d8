// columnSum: out (cols) = the column sums of x (rows, cols), row-major; each column accumulated in double
// from +0 over rows 0, 1, ... in order and rounded to float once, bit for bit src/backend/ref/column-sum.ts
// (the SIMD lanes run across columns, so no column's order changes). A linear layer's bias gradient.
// Threads split the columns: a thread reads its slice of every row. Aliasing: out overlaps nothing.
#include <algorithm>

#include "isa.h"
#include "kernels.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Columns summed per pass over the rows: their double accumulators stay in registers (4 AVX-512 vectors). */
constexpr size_t kBlock = 32;

/** out[0, W) = column sums of the W columns at x (row stride `stride`), W a compile-time width. */
template <size_t W>
inline void sumBlock(const float* __restrict x, size_t rows, size_t stride, float* __restrict out) {
  double acc[W] = {};
  for (size_t r = 0; r < rows; r++) {
    const float* row = x + r * stride;
    for (size_t j = 0; j < W; j++) acc[j] += static_cast<double>(row[j]);
  }
  for (size_t j = 0; j < W; j++) out[j] = static_cast<float>(acc[j]);
}

/** The column tail (fewer than kBlock): one column at a time. */
inline void sumColumn(const float* __restrict x, size_t rows, size_t stride, float* __restrict out) {
  double acc = 0;
  for (size_t r = 0; r < rows; r++) acc += static_cast<double>(x[r * stride]);
  *out = static_cast<float>(acc);
}

/** Columns [b, e) of x: full blocks of kBlock, then 8 at a time, then one at a time. */
void sumColumns(const float* x, float* out, size_t rows, size_t cols, size_t b, size_t e) {
  size_t j = b;
  for (; j + kBlock <= e; j += kBlock) sumBlock<kBlock>(x + j, rows, cols, out + j);
  for (; j + 8 <= e; j += 8) sumBlock<8>(x + j, rows, cols, out + j);
  for (; j < e; j++) sumColumn(x + j, rows, cols, out + j);
}

}  // namespace

bool columnSum(const float* x, float* out, const nt::ColumnSumArgs& p) {
  const size_t rows = p.rows;
  const size_t cols = p.cols;
  // Ranges of whole blocks (so a split never adds a tail): block indices, mapped back to columns.
  const size_t blocks = (cols + kBlock - 1) / kBlock;
  nt::parallelFor(blocks, streamWork(static_cast<double>(rows) * static_cast<double>(cols)), [&](size_t b, size_t e) {
    sumColumns(x, out, rows, cols, b * kBlock, std::min(e * kBlock, cols));
  });
  return true;
}

}  // namespace NT_ISA_NS
