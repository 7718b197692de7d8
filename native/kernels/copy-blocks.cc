// copyBlocks: outer blocks of blk floats from src (row stride srcStride, offset srcOffset) to dst (row
// stride dstStride, offset dstOffset), the rest of dst kept: cat's copy of each part into its slice of the
// output, and the split of cat's gradient back into the parts. memcpy per block; blocks are cut into
// pieces of at most kPiece floats so that a few long blocks (cat along a leading dim) still split over
// the thread pool, which pays above a crossover (bench/README.md, "cat and adaptive average pooling").
#include "isa.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Longest piece one pool task copies (64 KiB). */
constexpr size_t kPiece = 16384;

/** Work units per copied float for the pool's cut (nt::kParallelMinWork, ~6 us of one thread). */
constexpr double kWorkPerFloat = 32.0;

}  // namespace

bool copyBlocks(const float* src, float* dst, const nt::BlockCopyArgs& p) {
  const size_t blk = p.blk;
  if (p.outer == 0 || blk == 0) return true;
  const size_t pieces = (blk + kPiece - 1) / kPiece;
  const float* s = src + p.srcOffset;
  float* d = dst + p.dstOffset;
  const size_t ss = p.srcStride, ds = p.dstStride;
  nt::parallelFor(p.outer * pieces, kWorkPerFloat * static_cast<double>(p.outer) * static_cast<double>(blk),
                  [&](size_t b, size_t e) {
                    for (size_t i = b; i < e; ++i) {
                      const size_t r = i / pieces, at = (i % pieces) * kPiece;
                      const size_t n = blk - at < kPiece ? blk - at : kPiece;
                      memcpy(d + r * ds + at, s + r * ss + at, n * sizeof(float));
                    }
                  });
  return true;
}

}  // namespace NT_ISA_NS
