// Packed SGEMM (the GotoBLAS / BLIS scheme). See gemm.h for the contract. Each operand's panels are
// written by its packer: a BPacker (packB for a stored matrix; conv2d packs its implicit columns straight
// from the image) and an APacker (packA for a stored matrix; conv2d's weight gradient packs gy's rows), or
// A comes packed ahead (gemmPackA) when several products share it.
//
//   for ic (MCB rows of C), jc (NCB columns), pc (KC of k):
//     pack A[ic.., pc..] into MR-row panels ap[t][r] and B[pc.., jc..] into NR-column panels bp[t][c]
//     for each column block (cbPanels B panels, at most kCbBytes: stays in L2)
//       for each A panel (MR x KC floats, 6-8 KiB: stays in L1 while the B panels stream from L2)
//         for each B panel: micro-kernel, MR x NR accumulators in registers, over the kc of this block
// gemmThreaded runs the packing of each block, then its (column block, A panel) tasks, as two
// parallelFor jobs: all threads share one packed copy of A and B (BLIS's and OpenBLAS's threads
// likewise share the packed B), and dynamic ranges absorb a thread that the OS delays.
// The micro-kernel broadcasts one A value per row and multiplies it by NR/VL vectors of B (BLIS's
// "broadcast B, load A" kernels, transposed for row-major C: e.g. bli_sgemm_skx_asm_32x12_l2 keeps
// 24 zmm accumulators; OpenBLAS's skylakex sgemm 16x4 likewise). Its tile is chosen per ISA so the
// accumulators fill most of the register file and the loads per FMA stay low:
//   AVX-512 (32 zmm): 8 x 48 = 24 accumulators, 3 loads + 8 broadcasts per 24 FMAs;
//   AVX2 / SSE / NEON (16 ymm / xmm): 6 x 2 vectors = 12 accumulators, 2 loads + 6 broadcasts per 12.
// Edge panels run a kernel instance with fewer rows (R < MR) or vectors (V < NV), so only the lanes
// past n within one vector are wasted. Results do not depend on the blocking of rows or columns (each
// C element is one sum over t in order per k block), hence not on how threads split the tiles.
#include "gemm.h"

#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

#if defined(NT_ISA_AVX512)
constexpr size_t VL = 16, MR = 8, NV = 3;
#else
constexpr size_t VL = kVecLen, MR = 6, NV = 2;
#endif
constexpr size_t NR = NV * VL;
static_assert(NR <= kGemmMaxPanelCols, "gemm.h's panel bound");
// Depth of one packed block. 128-384 measured alike on Zen 4 (1 MiB L2); 256 halves the passes over C
// of 128 and keeps the A panel small.
constexpr size_t KC = 256;
// B panels per column block: KC x CB_PANELS x NR floats, at most this many bytes, kept in L2 (Zen 4:
// 1 MiB; Intel Sapphire Rapids: 2 MiB). 768 KiB was slower at 512^2 and 1024^2.
constexpr size_t kCbBytes = 384 * 1024;
constexpr size_t CB_PANELS = kCbBytes / (KC * NR * sizeof(float)) > 0 ? kCbBytes / (KC * NR * sizeof(float)) : 1;
// Rows and columns packed at once (bounds the scratch to (MCB + NCB) x KC floats).
constexpr size_t MCB = 2048 / MR * MR, NCB = 2048 / NR * NR;

typedef float GVec __attribute__((vector_size(VL * sizeof(float))));
typedef float GVecU __attribute__((vector_size(VL * sizeof(float)), aligned(4), may_alias));

// One k block of C = alpha * A @ B + beta * C, with A and B packed.
struct Block {
  size_t m, n, kc;  // this block's rows, columns and depth
  float alpha, beta;
  float* c;
  size_t ldc;
  const float* ap;  // ceil(m / MR) panels of kc x MR
  const float* bp;  // ceil(n / NR) panels of kc x NR
  size_t aPanels, bPanels, cbPanels, cBlocks;
};

// The panel of A at rows r0 .. r0 + rows (rows <= MR), depth kc from column t0: ap[t * MR + r] =
// A(r0 + r, t0 + t). Rows past `rows` are left unset: the kernel for that panel does not read them.
void packA(const MatRef& a, size_t r0, size_t rows, size_t t0, size_t kc, float* __restrict ap) {
  const float* src = a.p + static_cast<ptrdiff_t>(r0) * a.rs + static_cast<ptrdiff_t>(t0) * a.cs;
  if (a.cs == 1 && rows == MR) {
    // Rows contiguous: MR loads from MR rows, one MR-float store per t (the compiler merges the
    // unrolled stores; reading one row at a time instead would store with a stride of MR floats).
    const float* rp[MR];
    for (size_t r = 0; r < MR; ++r) rp[r] = src + static_cast<ptrdiff_t>(r) * a.rs;
    for (size_t t = 0; t < kc; ++t)
      for (size_t r = 0; r < MR; ++r) ap[t * MR + r] = rp[r][t];
  } else if (a.rs == 1 && rows == MR) {
    // A stored transposed: MR contiguous floats per t (a fixed count; with `rows` GCC called memmove).
    for (size_t t = 0; t < kc; ++t) {
      const float* col = src + static_cast<ptrdiff_t>(t) * a.cs;
      for (size_t r = 0; r < MR; ++r) ap[t * MR + r] = col[r];
    }
  } else {
    for (size_t t = 0; t < kc; ++t) {
      const float* col = src + static_cast<ptrdiff_t>(t) * a.cs;
      for (size_t r = 0; r < rows; ++r) ap[t * MR + r] = col[static_cast<ptrdiff_t>(r) * a.rs];
    }
  }
}

// The panel of B at columns c0 .. c0 + cols (cols <= NR), depth kc from row t0: bp[t * NR + c] =
// B(t0 + t, c0 + c), zero from cols up to the next multiple of VL (the kernel reads whole vectors).
void packB(const MatRef& b, size_t t0, size_t kc, size_t c0, size_t cols, float* __restrict bp) {
  const float* src = b.p + static_cast<ptrdiff_t>(t0) * b.rs + static_cast<ptrdiff_t>(c0) * b.cs;
  const size_t padded = roundUp(cols, VL);
  if (b.cs == 1) {
    for (size_t t = 0; t < kc; ++t) {
      const float* row = src + static_cast<ptrdiff_t>(t) * b.rs;
      float* dst = bp + t * NR;
      if (cols == NR) {
        for (size_t v = 0; v < NV; ++v)
          *reinterpret_cast<GVec*>(dst + v * VL) = *reinterpret_cast<const GVecU*>(row + v * VL);
      } else {
        for (size_t c = 0; c < cols; ++c) dst[c] = row[c];
        for (size_t c = cols; c < padded; ++c) dst[c] = 0.0f;
      }
    }
  } else {
    for (size_t c = 0; c < cols; ++c) {
      const float* col = src + static_cast<ptrdiff_t>(c) * b.cs;
      for (size_t t = 0; t < kc; ++t) bp[t * NR + c] = col[static_cast<ptrdiff_t>(t) * b.rs];
    }
    for (size_t t = 0; t < kc; ++t)
      for (size_t c = cols; c < padded; ++c) bp[t * NR + c] = 0.0f;
  }
}

// packB as a BPacker (a stored B).
void packMatRefB(const void* ctx, size_t t0, size_t kc, size_t c0, size_t cols, size_t, size_t, float* bp) {
  packB(*static_cast<const MatRef*>(ctx), t0, kc, c0, cols, bp);
}

// packA as an APacker (a stored A).
void packMatRefA(const void* ctx, size_t r0, size_t rows, size_t t0, size_t kc, size_t, float* ap) {
  packA(*static_cast<const MatRef*>(ctx), r0, rows, t0, kc, ap);
}

// C tile (R rows, cols <= V * VL columns) = alpha * sum_t ap[t][:R] (x) bp[t][:V*VL] + beta * C
// (beta == 0: C is not read). The R x V accumulators stay in registers (the loops fully unroll).
template <size_t R, size_t V>
void microKernel(size_t kc, const float* __restrict ap, const float* __restrict bp, float alpha, float beta,
                 float* __restrict c, size_t ldc, size_t cols) {
  // C's rows are needed only at the end; fetch them while the k loop runs.
  for (size_t r = 0; r < R; ++r)
    for (size_t j = 0; j < V * VL; j += 64 / sizeof(float)) __builtin_prefetch(c + r * ldc + j, 1, 3);
  GVec acc[R][V];
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < V; ++v) acc[r][v] = GVec{};
  for (size_t t = 0; t < kc; ++t, ap += MR, bp += NR) {
    GVec b[V];
    for (size_t v = 0; v < V; ++v) b[v] = *reinterpret_cast<const GVec*>(bp + v * VL);
    for (size_t r = 0; r < R; ++r) {
      const float ar = ap[r];
      for (size_t v = 0; v < V; ++v) acc[r][v] += b[v] * ar;
    }
  }
  if (cols == V * VL) {
    for (size_t r = 0; r < R; ++r) {
      GVecU* row = reinterpret_cast<GVecU*>(c + r * ldc);
      for (size_t v = 0; v < V; ++v) row[v] = beta == 0.0f ? acc[r][v] * alpha : acc[r][v] * alpha + row[v] * beta;
    }
    return;
  }
  for (size_t r = 0; r < R; ++r) {
    float tile[V * VL];
    for (size_t v = 0; v < V; ++v) *reinterpret_cast<GVecU*>(tile + v * VL) = acc[r][v] * alpha;
    float* row = c + r * ldc;
    for (size_t j = 0; j < cols; ++j) row[j] = beta == 0.0f ? tile[j] : tile[j] + row[j] * beta;
  }
}

using KernelFn = void (*)(size_t, const float*, const float*, float, float, float*, size_t, size_t);

// The instance for a panel of `rows` rows and `vecs` vectors (1 <= rows <= MR, 1 <= vecs <= NV).
template <size_t R, size_t V = NV>
KernelFn kernelFor(size_t rows, size_t vecs) {
  if constexpr (R > 1) {
    if (rows < R) return kernelFor<R - 1, V>(rows, vecs);
  }
  if constexpr (V > 1) {
    if (vecs < V) return kernelFor<R, V - 1>(rows, vecs);
  }
  return microKernel<R, V>;
}

// Tasks [t0, t1) of a block: task = column block * aPanels + A panel; each runs one A panel against
// the B panels of one column block.
void computeTasks(const Block& k, size_t t0, size_t t1) {
  for (size_t task = t0; task < t1; ++task) {
    const size_t cb = task / k.aPanels, i = task % k.aPanels;
    const size_t rows = minz(MR, k.m - i * MR);
    const float* ap = k.ap + i * MR * k.kc;
    float* c = k.c + i * MR * k.ldc;
    const size_t j1 = minz(k.bPanels, (cb + 1) * k.cbPanels);
    const KernelFn full = kernelFor<MR>(rows, NV);
    for (size_t j = cb * k.cbPanels; j < j1; ++j) {
      const size_t cols = minz(NR, k.n - j * NR);
      const KernelFn f = cols == NR ? full : kernelFor<MR>(rows, (cols + VL - 1) / VL);
      f(k.kc, ap, k.bp + j * NR * k.kc, k.alpha, k.beta, c + j * NR, k.ldc, cols);
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

// The whole product, the packing and the tiles of each k block split over `threads` (1: inline).
// apre: A packed ahead by gemmPackA (m <= MCB; a is then not called), or null to pack A here with a.
bool run(size_t m, size_t n, size_t k, float alpha, const float* apre, const APacker& a, const BPacker& b, float beta,
         float* c, size_t ldc, size_t threads) {
  if (m == 0 || n == 0) return true;
  if (k == 0) {
    scaleC(m, n, beta, c, ldc);
    return true;
  }
  const size_t kcMax = minz(k, KC);
  float* ap = apre != nullptr ? nullptr : scratch(kScratchPackA, roundUp(minz(m, MCB), MR) * kcMax);
  float* bp = scratch(kScratchPackB, roundUp(minz(n, NCB), NR) * kcMax);
  if ((ap == nullptr && apre == nullptr) || bp == nullptr) return false;
  const double work = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  for (size_t ic = 0; ic < m; ic += MCB) {
    for (size_t jc = 0; jc < n; jc += NCB) {
      Block blk{};
      blk.m = minz(MCB, m - ic);
      blk.n = minz(NCB, n - jc);
      blk.alpha = alpha;
      blk.c = c + ic * ldc + jc;
      blk.ldc = ldc;
      blk.ap = ap;
      blk.bp = bp;
      blk.aPanels = (blk.m + MR - 1) / MR;
      blk.bPanels = (blk.n + NR - 1) / NR;
      // Column blocks sized for L2, but at least a few tasks per thread when A has few panels.
      blk.cBlocks = (blk.bPanels + CB_PANELS - 1) / CB_PANELS;
      const size_t want = (4 * threads + blk.aPanels - 1) / blk.aPanels;
      if (threads > 1 && blk.cBlocks < want) blk.cBlocks = minz(want, blk.bPanels);
      blk.cbPanels = (blk.bPanels + blk.cBlocks - 1) / blk.cBlocks;
      blk.cBlocks = (blk.bPanels + blk.cbPanels - 1) / blk.cbPanels;
      for (size_t pc = 0; pc < k; pc += KC) {
        blk.kc = minz(KC, k - pc);
        blk.beta = pc == 0 ? beta : 1.0f;  // later k blocks accumulate
        if (apre != nullptr) blk.ap = apre + pc * roundUp(m, MR);  // gemmPackA's block pc
        // B panels (NR/MR times larger than A's) first, so the threads' dynamic ranges even out the
        // rest with the small A panels.
        auto pack = [&](size_t p0, size_t p1) {
          for (size_t p = p0; p < p1; ++p) {
            if (p < blk.bPanels) {
              const size_t cols = minz(NR, blk.n - p * NR);
              b.pack(b.ctx, pc, blk.kc, jc + p * NR, cols, roundUp(cols, VL), NR, bp + p * NR * blk.kc);
            } else {
              const size_t i = p - blk.bPanels;
              const size_t rows = minz(MR, blk.m - i * MR);
              a.pack(a.ctx, ic + i * MR, rows, pc, blk.kc, MR, ap + i * MR * blk.kc);
            }
          }
        };
        auto compute = [&](size_t t0, size_t t1) { computeTasks(blk, t0, t1); };
        const size_t panels = (apre != nullptr ? 0 : blk.aPanels) + blk.bPanels, tasks = blk.cBlocks * blk.aPanels;
        if (threads > 1) {
          nt::parallelFor(panels, work, pack);
          nt::parallelFor(tasks, work, compute);
        } else {
          pack(0, panels);
          compute(0, tasks);
        }
      }
    }
  }
  return true;
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
  return run(m, n, k, alpha, nullptr, APacker{packMatRefA, &a}, BPacker{packMatRefB, &b}, beta, c, ldc, 1);
}

bool gemmThreaded(size_t m, size_t n, size_t k, float alpha, MatRef a, MatRef b, float beta, float* c, size_t ldc) {
  return run(m, n, k, alpha, nullptr, APacker{packMatRefA, &a}, BPacker{packMatRefB, &b}, beta, c, ldc,
             static_cast<size_t>(nt::numThreads()));
}

size_t gemmPackedASize(size_t m, size_t k) { return m > MCB ? 0 : roundUp(m, MR) * k; }

void gemmPackA(size_t m, size_t k, MatRef a, float* ap) {
  // Block pc (depth kc) at ap + pc * roundUp(m, MR), its panel i at i * MR * kc further, as run() packs it.
  for (size_t pc = 0; pc < k; pc += KC) {
    const size_t kc = minz(KC, k - pc);
    for (size_t i = 0; i * MR < m; ++i) packA(a, i * MR, minz(MR, m - i * MR), pc, kc, ap + pc * roundUp(m, MR) + i * MR * kc);
  }
}

bool gemmPacked(size_t m, size_t n, size_t k, float alpha, MatRef a, const float* ap, const BPacker& b, float beta,
                float* c, size_t ldc) {
  return run(m, n, k, alpha, ap, APacker{packMatRefA, &a}, b, beta, c, ldc, 1);
}

bool gemmPackedThreaded(size_t m, size_t n, size_t k, float alpha, MatRef a, const float* ap, const BPacker& b,
                        float beta, float* c, size_t ldc) {
  return run(m, n, k, alpha, ap, APacker{packMatRefA, &a}, b, beta, c, ldc, static_cast<size_t>(nt::numThreads()));
}

bool gemmPackedAB(size_t m, size_t n, size_t k, float alpha, const APacker& a, const BPacker& b, float beta, float* c,
                  size_t ldc) {
  return run(m, n, k, alpha, nullptr, a, b, beta, c, ldc, 1);
}

bool gemmPackedABThreaded(size_t m, size_t n, size_t k, float alpha, const APacker& a, const BPacker& b, float beta,
                          float* c, size_t ldc) {
  return run(m, n, k, alpha, nullptr, a, b, beta, c, ldc, static_cast<size_t>(nt::numThreads()));
}

}  // namespace NT_ISA_NS
