// affineNormBackward: gradients of affineNormForward. With xhat = (x - mean) * rstd and gh = gy * weight[k]
// (double): gx = rstd * (gh - mean_row(gh) - xhat * mean_row(gh * xhat)); gw[k] = sum gy * xhat and
// gb[k] = sum gy over every element using parameter k (double sums). Each of gx, gw, gb may be null.
// Exactly src/backend/ref/affine-norm.ts up to the order of the double sums.
// Threads: the rows are cut into chunks that depend on the row count only (never on the thread count);
// each chunk writes its rows of gx and its own partial gw / gb sums, and the partials are added in chunk
// order afterwards, so the result is the same for any number of threads. Layer norm (one group, spatial
// 1: parameter k = element e) runs a path whose row sums use 8 lanes and whose gx loop reads the weight at
// e, so the compiler vectorises both.
// Aliasing: gx, gw, gb overlap nothing (the addon checks).
#include <algorithm>
#include <vector>

#include "isa.h"
#include "kernels.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

/** Rows per chunk at least, and at most this many chunks (bounds the partial sums' memory). */
constexpr size_t kChunkRows = 16;
constexpr size_t kMaxChunks = 64;
/** Lanes of the layer-norm path's row sums. */
constexpr size_t kLanes = 8;

struct Job {
  const float* gy;
  const float* x;
  const float* weight;
  const double* mean;
  const double* rstd;
  float* gx;
  const nt::AffineNormArgs& p;
};

/** Row r's gx from its two row sums (any layout). */
void writeGx(const Job& j, size_t r, double sumGh, double sumGhH) {
  const size_t d = j.p.d;
  const float* gr = j.gy + r * d;
  const float* xr = j.x + r * d;
  const double m = j.mean[r], rs = j.rstd[r];
  const double mGh = sumGh / static_cast<double>(d), mGhH = sumGhH / static_cast<double>(d);
  float* out = j.gx + r * d;
  const size_t a0 = (r % j.p.groups) * d;
  size_t k = a0 / j.p.spatial, rem = a0 % j.p.spatial;
  for (size_t e = 0; e < d; ++e) {
    const double h = (xr[e] - m) * rs;
    const double gh = gr[e] * (j.weight ? static_cast<double>(j.weight[k]) : 1.0);
    out[e] = static_cast<float>(rs * (gh - mGh - h * mGhH));
    if (++rem == j.p.spatial) {
      rem = 0;
      ++k;
    }
  }
}

/** One layer norm row of gx: weight at e (1 when absent; one instance each, so the loop vectorises). */
template <bool HasW>
void layerNormGx(const float* __restrict gr, const float* __restrict xr, const float* __restrict w,
                 float* __restrict out, size_t d, double m, double rs, double mGh, double mGhH) {
  for (size_t i = 0; i < d; ++i) {
    const double h = (xr[i] - m) * rs;
    out[i] = static_cast<float>(rs * (gr[i] * (HasW ? static_cast<double>(w[i]) : 1.0) - mGh - h * mGhH));
  }
}

/** Layer norm row r: parameter k = e. Row sums in kLanes lanes; accW / accB indexed by e. */
void layerNormRow(const Job& j, size_t r, double* __restrict accW, double* __restrict accB) {
  const size_t d = j.p.d;
  const float* __restrict gr = j.gy + r * d;
  const float* __restrict xr = j.x + r * d;
  const float* __restrict w = j.weight;
  const double m = j.mean[r], rs = j.rstd[r];
  double sg[kLanes] = {}, sgh[kLanes] = {};
  size_t e = 0;
  for (; e + kLanes <= d; e += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) {
      const double g = gr[e + l];
      const double h = (xr[e + l] - m) * rs;
      const double gh = w ? g * static_cast<double>(w[e + l]) : g;
      sg[l] += gh;
      sgh[l] += gh * h;
      accW[e + l] += g * h;
      accB[e + l] += g;
    }
  }
  for (; e < d; ++e) {
    const double g = gr[e];
    const double h = (xr[e] - m) * rs;
    const double gh = w ? g * static_cast<double>(w[e]) : g;
    sg[0] += gh;
    sgh[0] += gh * h;
    accW[e] += g * h;
    accB[e] += g;
  }
  double sumGh = 0, sumGhH = 0;
  for (size_t l = 0; l < kLanes; ++l) {
    sumGh += sg[l];
    sumGhH += sgh[l];
  }
  if (!j.gx) return;
  // gx with parameter k = e read directly (vectorises, unlike writeGx's stepped index)
  const double mGh = sumGh / static_cast<double>(d), mGhH = sumGhH / static_cast<double>(d);
  if (w) layerNormGx<true>(gr, xr, w, j.gx + r * d, d, m, rs, mGh, mGhH);
  else layerNormGx<false>(gr, xr, w, j.gx + r * d, d, m, rs, mGh, mGhH);
}

/** Any layout (group norm): parameter k = (a0 + e) / spatial, stepped without a division per element. */
void groupNormRow(const Job& j, size_t r, double* accW, double* accB) {
  const size_t d = j.p.d;
  const float* gr = j.gy + r * d;
  const float* xr = j.x + r * d;
  const double m = j.mean[r], rs = j.rstd[r];
  const size_t a0 = (r % j.p.groups) * d;
  double sumGh = 0, sumGhH = 0;
  size_t k = a0 / j.p.spatial, rem = a0 % j.p.spatial;
  for (size_t e = 0; e < d; ++e) {
    const double h = (xr[e] - m) * rs;
    const double gh = gr[e] * (j.weight ? static_cast<double>(j.weight[k]) : 1.0);
    sumGh += gh;
    sumGhH += gh * h;
    accW[k] += gr[e] * h;
    accB[k] += gr[e];
    if (++rem == j.p.spatial) {
      rem = 0;
      ++k;
    }
  }
  if (j.gx) writeGx(j, r, sumGh, sumGhH);
}

}  // namespace

bool affineNormBackward(const float* gy, const float* x, const float* weight, const double* mean, const double* rstd, float* gx,
                        float* gw, float* gb, const nt::AffineNormArgs& p) {
  const size_t nAff = p.groups * (p.d / p.spatial);
  const size_t rows = p.rows;
  const size_t chunks = std::max<size_t>(1, std::min(kMaxChunks, rows / kChunkRows));
  std::vector<double> partial;  // chunk c: accW at [2c * nAff, + nAff), accB right after
  try {
    partial.assign(2 * chunks * nAff, 0.0);
  } catch (const std::bad_alloc&) {
    return false;
  }
  const Job job{gy, x, weight, mean, rstd, gx, p};
  const bool layerNorm = p.groups == 1 && p.spatial == 1;
  const double work = 12.0 * static_cast<double>(rows) * static_cast<double>(p.d);
  nt::parallelFor(chunks, work, [&](size_t c0, size_t c1) {
    for (size_t c = c0; c < c1; ++c) {
      double* accW = partial.data() + 2 * c * nAff;
      double* accB = accW + nAff;
      const size_t r1 = rows * (c + 1) / chunks;
      for (size_t r = rows * c / chunks; r < r1; ++r) {
        if (layerNorm) layerNormRow(job, r, accW, accB);
        else groupNormRow(job, r, accW, accB);
      }
    }
  });
  for (size_t k = 0; k < nAff; ++k) {
    double w = 0, b = 0;
    for (size_t c = 0; c < chunks; ++c) {
      w += partial[2 * c * nAff + k];
      b += partial[(2 * c + 1) * nAff + k];
    }
    if (gw) gw[k] = static_cast<float>(w);
    if (gb) gb[k] = static_cast<float>(b);
  }
  return true;
}

}  // namespace NT_ISA_NS
