// maxPool2dBackward: gx = 0, then gx[plane + idx[o]] += gy[o] for every output o of a plane in order;
// exactly src/backend/ref/max-pool2d.ts (float adds in the same order, so bit for bit). The addon has
// checked every idx value is in [0, inH * inW). Planes are split over the thread pool (each plane owns its
// gx plane), by the memory the kernel moves (stream-work.h).
#include "isa.h"
#include "kernels.h"
#include "stream-work.h"
#include "../threadpool.h"

namespace NT_ISA_NS {

namespace {

template <class Idx>
void unpoolPlanes(const float* gy, const Idx* idx, float* gx, const nt::Pool2dArgs& p, size_t b, size_t e) {
  const size_t plane = p.inH * p.inW, outPlane = p.outH * p.outW;
  if (e > b) memset(gx + b * plane, 0, (e - b) * plane * sizeof(float));
  for (size_t pl = b; pl < e; ++pl) {
    float* gp = gx + pl * plane;
    const float* g = gy + pl * outPlane;
    const Idx* ip = idx + pl * outPlane;
    for (size_t o = 0; o < outPlane; ++o) gp[static_cast<size_t>(ip[o])] += g[o];
  }
}

}  // namespace

bool maxPool2dBackward(const float* gy, const void* idx, bool idx32, float* gx, const nt::Pool2dArgs& p) {
  const size_t planes = p.n * p.c;
  // Reads gy and the argmax, writes gx.
  const double work = streamWork(static_cast<double>(planes) * static_cast<double>(p.inH * p.inW + 2 * p.outH * p.outW));
  nt::parallelFor(planes, work, [&](size_t b, size_t e) {
    if (idx32) unpoolPlanes(gy, static_cast<const int32_t*>(idx), gx, p, b, e);
    else unpoolPlanes(gy, static_cast<const uint8_t*>(idx), gx, p, b, e);
  });
  return true;
}

}  // namespace NT_ISA_NS
