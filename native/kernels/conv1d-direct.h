// Pack-free building blocks for the conv1d kernels when the reduction (cinG * k, or coutG * k for the
// input gradient) is small, as in the reference model (per ISA, see isa.h).
//
// The columns matrix of conv1d is never materialised: its K rows are given as K row pointers. Row
// (c, j) at column t is x[c, t * stride - padding + j * dilation]; with stride 1 and no padding a row
// is just a shifted input row, otherwise the input rows are first copied once into zero-padded
// "phase" rows (one per residue mod stride), so that every tap row is a contiguous slice of them.
// That copy is cinG * l floats per batch item instead of the cinG * k * lOut of an im2col (unless the
// stride or dilation is so large that the im2col is smaller: then buildRows builds that).
//
//   directGemm:  C (m, n) = A (m, K) @ rows (K, n) [+ bias per row of C], A pre-packed by packRowsA;
//                an MR x NR register tile reads the B rows in place (the panel of K x NR floats
//                stays in L1 across the row blocks), A is broadcast from its packed copy.
//   dotAccumulate: acc (ma, mb) of SIMD vectors += A rows (ma, len) . B rows (mb, len) along len,
//                used by the weight gradient (reduction over output positions and batch items);
//                the lanes are summed once at the end (hsum).
//   Prefetcher:  both loop nests prefetch the next (batch item, group)'s rows into L2 as they go, so
//                inputs that are not in the caches (as in a train step) stream at memory speed.
#pragma once

#include "conv1d-common.h"

namespace NT_ISA_NS {

/** Largest reduction length (rows) the direct paths take; larger problems use the packed gemm. */
constexpr size_t kDirectMaxK = 512;
constexpr size_t kDMR = 4, kDNV = kVecLen >= 16 ? 2 : 3, kDNR = kDNV * kVecLen;

/** Length of each phase row (see buildRows). */
static inline size_t phaseLen(const nt::Conv1dArgs& p) { return p.lOut + ((p.k - 1) * p.dilation) / p.stride + 1; }

/**
 * Whether buildRows copies each input row into k "tap" rows (an im2col, lOut floats each) rather than
 * `stride` phase rows: whichever is smaller. Phase rows grow with the stride and the dilation even when
 * few positions are computed (stride 1e8 with one output position held 800 MB); tap rows are
 * proportional to the work. Compared in double so that hostile sizes cannot wrap.
 */
static inline bool useTapRows(const nt::Conv1dArgs& p) {
  return static_cast<double>(p.k) * static_cast<double>(p.lOut) <
         static_cast<double>(p.stride) * static_cast<double>(phaseLen(p));
}

/** Floats of scratch buildRows needs for cinG input rows (0 when the rows are the input itself). */
static inline size_t phaseFloats(size_t cinG, const nt::Conv1dArgs& p) {
  if (im2colIsIdentity(p)) return 0;
  return useTapRows(p) ? cinG * p.k * p.lOut : cinG * p.stride * phaseLen(p);
}

/**
 * Sets rows[c * k + j] (c < cinG, j < k) so that rows[c * k + j][t] = x[c, t * stride - padding +
 * j * dilation] (0 outside [0, l)) for t in [0, lOut). buf holds phaseFloats(cinG, p) floats: per input
 * row, phase row ph holds x[c, ph + stride * i - padding], tap row j holds x[c, j * dilation + stride * i -
 * padding] (see useTapRows).
 */
static inline void buildRows(const float* __restrict x, size_t cinG, const nt::Conv1dArgs& p, float* __restrict buf,
                             const float** rows) {
  if (im2colIsIdentity(p)) {
    for (size_t c = 0; c < cinG; ++c) rows[c] = x + c * p.l;
    return;
  }
  const bool taps = useTapRows(p);
  const size_t s = p.stride, lp = taps ? p.lOut : phaseLen(p), nr = taps ? p.k : s;  // nr rows per input row
  const ptrdiff_t pad = static_cast<ptrdiff_t>(p.padding), L = static_cast<ptrdiff_t>(p.l);
  const ptrdiff_t S = static_cast<ptrdiff_t>(s), LP = static_cast<ptrdiff_t>(lp);
  for (size_t c = 0; c < cinG; ++c) {
    const float* src = x + c * p.l;
    for (size_t r = 0; r < nr; ++r) {
      float* dst = buf + (c * nr + r) * lp;
      // element i is src[base + s * i]: valid for i in [lo, hi)
      const ptrdiff_t base = static_cast<ptrdiff_t>(taps ? r * p.dilation : r) - pad;
      ptrdiff_t lo = base >= 0 ? 0 : (-base + S - 1) / S;
      ptrdiff_t hi = L - base <= 0 ? 0 : (L - base + S - 1) / S;
      if (hi > LP) hi = LP;
      if (lo > hi) lo = hi;
      for (ptrdiff_t i = 0; i < lo; ++i) dst[i] = 0.0f;
      if (s == 1) {
        if (hi > lo) std::memcpy(dst + lo, src + (base + lo), static_cast<size_t>(hi - lo) * sizeof(float));
      } else {
        for (ptrdiff_t i = lo; i < hi; ++i) dst[i] = src[base + S * i];
      }
      for (ptrdiff_t i = hi; i < LP; ++i) dst[i] = 0.0f;
    }
  }
  for (size_t c = 0; c < cinG; ++c)
    for (size_t j = 0; j < p.k; ++j) {
      const size_t q = j * p.dilation;
      rows[c * p.k + j] = taps ? buf + (c * p.k + j) * lp : buf + (c * s + q % s) * lp + q / s;
    }
}

/** ap[block][kk][r] = a[(block * kDMR + r) * rs + kk * cs] for r < m (zero past m): m x K, kDMR-row blocks. */
static inline void packRowsA(size_t m, size_t K, const float* a, ptrdiff_t rs, ptrdiff_t cs, float* __restrict ap) {
  for (size_t i = 0; i < m; i += kDMR, ap += K * kDMR) {
    const size_t mr = minz(kDMR, m - i);
    for (size_t kk = 0; kk < K; ++kk) {
      for (size_t r = 0; r < mr; ++r)
        ap[kk * kDMR + r] = a[static_cast<ptrdiff_t>(i + r) * rs + static_cast<ptrdiff_t>(kk) * cs];
      for (size_t r = mr; r < kDMR; ++r) ap[kk * kDMR + r] = 0.0f;
    }
  }
}

/** Floats of a packRowsA result. */
static inline size_t packedAFloats(size_t m, size_t K) { return roundUp(m, kDMR) * K; }

/**
 * Software prefetch of the next task's data while the current task computes: the kernels read their
 * inputs in a strided order (K rows of a column panel), which the hardware prefetchers do not follow,
 * so an input that is not in the caches (in a train step: the previous layer's output, megabytes
 * ago) was fetched one cache-line miss at a time (the 1x1 forward ran at ~4 GB/s, a quarter of the
 * copy bandwidth). The tile loops instead issue one prefetch per step of their reduction, walking
 * sequentially through two ranges of the next task: its input, then its output (lines about to be
 * written are worth fetching too: the stores then find them in cache). The lines go to L2, not L1:
 * a task's 20-80 KB would push the current task's rows and sums out of L1 (prefetcht0 instead of
 * prefetcht1 cost 15% over all the model's conv calls with cold caches, and twice that on the weight
 * gradients).
 */
struct Prefetcher {
  static constexpr size_t kLine = 64;
  const char *p = nullptr, *end = nullptr;    // the range being prefetched
  const char *p2 = nullptr, *end2 = nullptr;  // the one after it

  Prefetcher() = default;
  Prefetcher(const float* first, size_t firstFloats, const float* then, size_t thenFloats)
      : p(lineOf(first)), end(endOf(first, firstFloats)), p2(lineOf(then)), end2(endOf(then, thenFloats)) {}

  /** Called between loops: moves on to the second range once the first is done. */
  void next() {
    if (p >= end) {
      p = p2;
      end = end2;
      p2 = end2 = nullptr;
    }
  }

 private:
  static const char* lineOf(const float* q) {
    return reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(q) & ~static_cast<uintptr_t>(kLine - 1));
  }
  static const char* endOf(const float* q, size_t floats) { return reinterpret_cast<const char*>(q + floats); }
};

/** The rows of (batch item b, group g) in an NCL array of `channels` rows of len floats per item. */
struct GroupRows {
  const float* base;
  size_t channels, perGroup, len;
  const float* at(size_t b, size_t g) const { return base + (b * channels + g * perGroup) * len; }
  size_t floats() const { return perGroup * len; }
};

/** A Prefetcher for the (batch item, group) pair after `task` (= b * groups + g): first's rows, then then's. */
static inline Prefetcher prefetchNextTask(size_t task, const nt::Conv1dArgs& p, GroupRows first, GroupRows then) {
  if (task + 1 >= p.n * p.groups) return Prefetcher{};
  const size_t b = (task + 1) / p.groups, g = (task + 1) % p.groups;
  return Prefetcher(first.at(b, g), first.floats(), then.at(b, g), then.floats());
}

// A Prefetcher's cursor in locals for one loop (two registers), written back after it.
class PrefetchCursor {
 public:
  explicit PrefetchCursor(Prefetcher& pf) : p_(pf.p), end_(pf.end), pf_(pf) {}
  ~PrefetchCursor() {
    pf_.p = p_;
    pf_.next();
  }
  void step() {
    if (p_ < end_) {
      __builtin_prefetch(p_, 0, 2);  // to L2: the next task, not this one, reads it
      p_ += Prefetcher::kLine;
    }
  }

 private:
  const char *p_, *end_;
  Prefetcher& pf_;
};

typedef int32_t VecI __attribute__((vector_size(kVecLen * sizeof(float))));

/** relu lane by lane, as reluRange (relu-inline.h): +0 where v < 0, else v (NaN and -0 pass through). */
static inline VecF reluLanes(VecF v) { return (VecF)((VecI)v & ~(VecI)(v < VecF{})); }

// C rows (R x NV vectors at c, row stride ldc) = sum_kk ap[kk][r] * rows[kk][col ..] (+ bias[r]), then
// relu'd if relu, every lane valid unless nr < NV * kVecLen (then only the first nr columns are stored).
template <size_t R, size_t NV>
static inline void directTile(size_t K, const float* __restrict ap, const float* const* __restrict rows, size_t col,
                              const float* bias, bool relu, float* __restrict c, size_t ldc, size_t nr,
                              Prefetcher& pf) {
  VecF acc[R][NV];
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < NV; ++v) acc[r][v] = VecF{};
  {
    PrefetchCursor cur(pf);
    for (size_t kk = 0; kk < K; ++kk, ap += kDMR) {
      const float* bp = rows[kk] + col;
      VecF b[NV];
      for (size_t v = 0; v < NV; ++v) b[v] = loadu(bp + v * kVecLen);
      for (size_t r = 0; r < R; ++r) {
        const VecF ar = splat(ap[r]);
        for (size_t v = 0; v < NV; ++v) acc[r][v] += ar * b[v];
      }
      cur.step();
    }
  }
  if (bias != nullptr)
    for (size_t r = 0; r < R; ++r) {
      const VecF vb = splat(bias[r]);
      for (size_t v = 0; v < NV; ++v) acc[r][v] += vb;
    }
  if (relu)
    for (size_t r = 0; r < R; ++r)
      for (size_t v = 0; v < NV; ++v) acc[r][v] = reluLanes(acc[r][v]);
  if (nr == NV * kVecLen) {
    for (size_t r = 0; r < R; ++r)
      for (size_t v = 0; v < NV; ++v) storeu(c + r * ldc + v * kVecLen, acc[r][v]);
    return;
  }
  float tile[NV * kVecLen];
  for (size_t r = 0; r < R; ++r) {
    for (size_t v = 0; v < NV; ++v) storeu(tile + v * kVecLen, acc[r][v]);
    for (size_t j = 0; j < nr; ++j) c[r * ldc + j] = tile[j];
  }
}

template <size_t NV>
static inline void directTileRows(size_t mr, size_t K, const float* ap, const float* const* rows, size_t col,
                                  const float* bias, bool relu, float* c, size_t ldc, size_t nr, Prefetcher& pf) {
  static_assert(kDMR == 4, "directTileRows dispatches 1 .. 4 rows");
  switch (mr) {
    case 4: directTile<4, NV>(K, ap, rows, col, bias, relu, c, ldc, nr, pf); break;
    case 3: directTile<3, NV>(K, ap, rows, col, bias, relu, c, ldc, nr, pf); break;
    case 2: directTile<2, NV>(K, ap, rows, col, bias, relu, c, ldc, nr, pf); break;
    default: directTile<1, NV>(K, ap, rows, col, bias, relu, c, ldc, nr, pf); break;
  }
}

// Every row block of the column block [col, col + nv * kVecLen) (nr columns stored).
template <size_t NV>
static inline void directColumns(size_t m, size_t K, const float* ap, const float* const* rows, size_t col,
                                 const float* bias, bool relu, float* c, size_t ldc, size_t nr, Prefetcher& pf) {
  for (size_t i = 0; i < m; i += kDMR)
    directTileRows<NV>(minz(kDMR, m - i), K, ap + i * K, rows, col, bias != nullptr ? bias + i : nullptr, relu,
                       c + i * ldc + col, ldc, nr, pf);
}

// directColumns<nv> for a run-time nv in [1, NV].
template <size_t NV>
static inline void directColumnsUpTo(size_t nv, size_t m, size_t K, const float* ap, const float* const* rows,
                                     size_t col, const float* bias, bool relu, float* c, size_t ldc, size_t nr,
                                     Prefetcher& pf) {
  if constexpr (NV > 1) {
    if (nv < NV) return directColumnsUpTo<NV - 1>(nv, m, K, ap, rows, col, bias, relu, c, ldc, nr, pf);
  }
  directColumns<NV>(m, K, ap, rows, col, bias, relu, c, ldc, nr, pf);
}

/**
 * C (m, n; row stride ldc) = A @ B (+ bias[r] per row r if bias is not null; then relu'd, each tile
 * in registers, if relu), overwriting C. A is packRowsA(m, K) output; B row kk is rows[kk][0 .. n).
 * Column blocks of kDNR columns, each for all row blocks (its K x kDNR panel of B stays in L1); the
 * last n % kDNR columns are one block of as few vectors as cover them, ending at column n and so
 * overlapping the block before (those columns are computed again, bit for bit the same, and stored
 * again). Only n < kVecLen needs the tail scratch: K * kVecLen floats, and tailRows room for K
 * pointers. pf runs during the tiles.
 */
static inline void directGemm(size_t m, size_t n, size_t K, const float* ap, const float* const* rows,
                              const float* bias, bool relu, float* c, size_t ldc, float* tail,
                              const float** tailRows, Prefetcher& pf) {
  if (n < kVecLen) {
    for (size_t kk = 0; kk < K; ++kk) {
      float* dst = tail + kk * kVecLen;
      for (size_t j = 0; j < n; ++j) dst[j] = rows[kk][j];
      for (size_t j = n; j < kVecLen; ++j) dst[j] = 0.0f;
      tailRows[kk] = dst;
    }
    directColumns<1>(m, K, ap, tailRows, 0, bias, relu, c, ldc, n, pf);
    return;
  }
  size_t col = 0;
  for (; col + kDNR <= n; col += kDNR) directColumns<kDNV>(m, K, ap, rows, col, bias, relu, c, ldc, kDNR, pf);
  if (col == n) return;
  size_t nv = (n - col + kVecLen - 1) / kVecLen;
  if (nv * kVecLen > n) {  // n < kDNR: the whole vectors from 0, then one vector ending at n
    nv = n / kVecLen;
    directColumnsUpTo<kDNV>(nv, m, K, ap, rows, 0, bias, relu, c, ldc, nv * kVecLen, pf);
    nv = 1;
  }
  directColumnsUpTo<kDNV>(nv, m, K, ap, rows, n - nv * kVecLen, bias, relu, c, ldc, nv * kVecLen, pf);
}

/**
 * v, kept in a register: without this GCC 12 (with AVX-512) folds one loaded vector into each of the
 * RB FMAs that use it as a memory operand, so the weight-gradient tile made 15 loads per 12 FMAs
 * instead of 7 and ran at half speed.
 */
static inline VecF inRegister(VecF v) {
#if defined(__x86_64__) || defined(__i386__)
  __asm__("" : "+v"(v));
#elif defined(__aarch64__)
  __asm__("" : "+w"(v));
#endif
  return v;
}

// acc[ra * accStride + rb] += lane-wise sum over t of a[ra][t] * b[rb][t], t < len. The sums start
// from zero in registers and are added to acc at the end (no wait for acc's loads before the loop).
template <size_t RA, size_t RB>
static inline void dotTile(size_t len, const float* const* a, const float* const* b, VecF* acc, size_t accStride,
                           Prefetcher& pf) {
  VecF s[RA][RB];
  const float* ap[RA];
  const float* bp[RB];
  for (size_t i = 0; i < RA; ++i) ap[i] = a[i];
  for (size_t j = 0; j < RB; ++j) bp[j] = b[j];
  for (size_t i = 0; i < RA; ++i)
    for (size_t j = 0; j < RB; ++j) s[i][j] = VecF{};
  size_t t = 0;
  {
    PrefetchCursor cur(pf);
    for (; t + kVecLen <= len; t += kVecLen) {
      VecF bv[RB];
      for (size_t j = 0; j < RB; ++j) bv[j] = loadu(bp[j] + t);
      for (size_t i = 0; i < RA; ++i) {
        const VecF av = inRegister(loadu(ap[i] + t));
        for (size_t j = 0; j < RB; ++j) s[i][j] += av * bv[j];
      }
      cur.step();
    }
  }
  if (t < len && len >= kVecLen) {
    // the last full vector [len - kVecLen, len) with the lanes before t (already counted) cleared in
    // both operands (so an inf there cannot turn into 0 * inf = NaN)
    const size_t skip = kVecLen - (len - t);
    VecI lane;
    for (size_t e = 0; e < kVecLen; ++e) lane[e] = static_cast<int32_t>(e);
    const VecI mask = lane >= static_cast<int32_t>(skip);
    const size_t tl = len - kVecLen;
    VecF bv[RB];
    for (size_t j = 0; j < RB; ++j) bv[j] = (VecF)((VecI)loadu(bp[j] + tl) & mask);
    for (size_t i = 0; i < RA; ++i) {
      const VecF av = (VecF)((VecI)loadu(ap[i] + tl) & mask);
      for (size_t j = 0; j < RB; ++j) s[i][j] += av * bv[j];
    }
  } else if (t < len) {
    const size_t rem = len - t;
    float tmp[kVecLen];
    VecF bv[RB];
    for (size_t j = 0; j < RB; ++j) {
      for (size_t e = 0; e < kVecLen; ++e) tmp[e] = e < rem ? bp[j][t + e] : 0.0f;
      bv[j] = loadu(tmp);
    }
    for (size_t i = 0; i < RA; ++i) {
      for (size_t e = 0; e < kVecLen; ++e) tmp[e] = e < rem ? ap[i][t + e] : 0.0f;
      const VecF av = loadu(tmp);
      for (size_t j = 0; j < RB; ++j) s[i][j] += av * bv[j];
    }
  }
  for (size_t i = 0; i < RA; ++i)
    for (size_t j = 0; j < RB; ++j) acc[i * accStride + j] += s[i][j];
}

template <size_t RA>
static inline void dotTileB(size_t rb, size_t len, const float* const* a, const float* const* b, VecF* acc,
                            size_t accStride, Prefetcher& pf) {
  switch (rb) {
    case 3: dotTile<RA, 3>(len, a, b, acc, accStride, pf); break;
    case 2: dotTile<RA, 2>(len, a, b, acc, accStride, pf); break;
    default: dotTile<RA, 1>(len, a, b, acc, accStride, pf); break;
  }
}

/**
 * acc (ma, mb; row stride mb) += lane-wise a (ma rows) . b (mb rows) over len columns, in blocks of 4
 * a rows by 3 b rows, b blocks outer: each block of b rows stays in L1 while the a rows stream past
 * it. (For the weight gradient, b = the tap rows: this order was as fast or faster than the other at
 * every shape of the reference model, by 15-20% for the k = 3 and 5 convs, whose gy rows outnumber
 * their input rows.) pf runs during the loops.
 */
static inline void dotAccumulate(size_t ma, size_t mb, size_t len, const float* const* a, const float* const* b,
                                 VecF* acc, Prefetcher& pf) {
  constexpr size_t TA = 4, TB = 3;
  for (size_t j = 0; j < mb; j += TB) {
    const size_t rb = minz(TB, mb - j);
    for (size_t i = 0; i < ma; i += TA) {
      VecF* at = acc + i * mb + j;
      switch (minz(TA, ma - i)) {
        case 4: dotTileB<4>(rb, len, a + i, b + j, at, mb, pf); break;
        case 3: dotTileB<3>(rb, len, a + i, b + j, at, mb, pf); break;
        case 2: dotTileB<2>(rb, len, a + i, b + j, at, mb, pf); break;
        default: dotTileB<1>(rb, len, a + i, b + j, at, mb, pf); break;
      }
    }
  }
}

/** The sum of v's lanes, in lane order. */
static inline float hsum(VecF v) {
  float s = 0.0f;
  for (size_t e = 0; e < kVecLen; ++e) s += v[e];
  return s;
}

}  // namespace NT_ISA_NS
