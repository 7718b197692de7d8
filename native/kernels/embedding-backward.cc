// embeddingBackward: gw (num, dim) = the gy rows (n, dim) summed into the rows idx (n); each element a
// double sum from +0 over the indices i with idx[i] = r in increasing i (times 1 / count(r) with
// scaleGradByFreq), rounded to float once: bit for bit src/backend/ref/embedding-backward.ts. Row
// paddingIdx (num: none) and unused rows are +0.
// How: a stable counting sort of the indices by row (the order of each row's occurrences kept), then each
// output row summed from its occurrences with the columns in SIMD lanes. Threads split the output rows,
// which are disjoint, so the result does not depend on the split. Aliasing: gw overlaps nothing.
// FMA contraction is switched off for this file (as in adam-step.cc): the scaled product g * (1 / count)
// is rounded to double before it is added, as in the ref.
#include "fp-contract-off.h"
#include <algorithm>
#include <cstdint>
#include <new>
#include <vector>

#include "isa.h"
#include "kernels.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Columns summed per pass over a row's occurrences: their double accumulators stay in registers. */
constexpr size_t kBlock = 32;

/** The occurrences of one output row: positions into gy's rows, in increasing order, and their scale. */
struct Occurrences {
  const size_t* at;
  size_t count;
  double scale;
};

/** out[0, W) = sum over the occurrences of gy row at[t], columns [0, W) (gy rows `dim` apart). */
template <size_t W>
inline void sumBlock(const float* __restrict gy, size_t dim, const Occurrences& o, float* __restrict out) {
  double acc[W] = {};
  for (size_t t = 0; t < o.count; t++) {
    const float* g = gy + static_cast<size_t>(o.at[t]) * dim;
    for (size_t j = 0; j < W; j++) acc[j] += static_cast<double>(g[j]) * o.scale;
  }
  for (size_t j = 0; j < W; j++) out[j] = static_cast<float>(acc[j]);
}

/** One output row of dim floats: blocks of kBlock columns, then 8, then one at a time. */
void sumRow(const float* gy, size_t dim, const Occurrences& o, float* out) {
  size_t j = 0;
  for (; j + kBlock <= dim; j += kBlock) sumBlock<kBlock>(gy + j, dim, o, out + j);
  for (; j + 8 <= dim; j += 8) sumBlock<8>(gy + j, dim, o, out + j);
  for (; j < dim; j++) sumBlock<1>(gy + j, dim, o, out + j);
}

inline size_t indexAt(const void* idx, bool idx32, size_t i) {
  return idx32 ? static_cast<size_t>(static_cast<const int32_t*>(idx)[i]) : static_cast<const uint8_t*>(idx)[i];
}

}  // namespace

bool embeddingBackward(const void* idx, bool idx32, const float* gy, float* gw, const nt::EmbeddingBackwardArgs& p) {
  const size_t n = p.n, num = p.num, dim = p.dim;
  std::vector<size_t> start, order, cursor;  // row r's occurrences: order[start[r], start[r + 1])
  try {
    start.assign(num + 1, 0);
    order.resize(n);
    cursor.resize(num);
  } catch (const std::bad_alloc&) {
    return false;
  }
  for (size_t i = 0; i < n; i++) start[indexAt(idx, idx32, i) + 1]++;
  for (size_t r = 0; r < num; r++) start[r + 1] += start[r];
  std::copy(start.begin(), start.end() - 1, cursor.begin());
  for (size_t i = 0; i < n; i++) order[cursor[indexAt(idx, idx32, i)]++] = i;  // increasing i: stable
  const double work = streamWork(static_cast<double>(n) * static_cast<double>(dim) + static_cast<double>(num) * static_cast<double>(dim));
  nt::parallelFor(num, work, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; r++) {
      float* out = gw + r * dim;
      const size_t count = start[r + 1] - start[r];
      if (r == p.paddingIdx || count == 0) {
        std::fill(out, out + dim, 0.0f);
        continue;
      }
      const Occurrences o{order.data() + start[r], count, p.scaleGradByFreq ? 1.0 / static_cast<double>(count) : 1.0};
      sumRow(gy, dim, o, out);
    }
  });
  return true;
}

}  // namespace NT_ISA_NS
