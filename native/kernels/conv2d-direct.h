// Direct convolution for conv2d with many input channels (per ISA, see isa.h): the forward (also for 1 to 3
// input channels), the backward-input of a stride-1 convolution as a forward one (conv2d-direct.cc, which
// describes the method), and the weight gradient (conv2d-direct-weight.cc).
#pragma once

#include "isa.h"
#include "kernels.h"

namespace NT_ISA_NS {

/** Input channels per group from which the direct kernel takes a convolution (below: im2col + GEMM). */
constexpr size_t kDirectMinCin = 16;

// The register budget of the direct kernels: channels per vector, accumulator vectors, vectors of output
// channels at a time.
#if defined(NT_ISA_AVX512)
// 32 zmm: up to 24 accumulators, 4 weight (or gy) vectors (64 channels), a broadcast.
constexpr size_t kDirectVL = 16, kDirectAcc = 24, kDirectMaxV = 4;
#else
// 16 ymm / xmm: up to 12 accumulators, 2 weight (or gy) vectors, a broadcast.
constexpr size_t kDirectVL = kVecLen, kDirectAcc = 12, kDirectMaxV = 2;
#endif

/** Input channels per group up to which the forward takes the direct kernel as well (see below). */
constexpr size_t kDirectMaxSmallCin = 3;

/**
 * Whether directConv2d takes convolution q (its own bounds: stride along a row 1 or 2, the padded planes
 * of one image and group within kPadFloats, at least kDirectMinCin input channels per group). The
 * backward-input and the weight gradient take their direct paths on these.
 */
bool directConv2dApplies(const nt::Conv2dArgs& q);

/**
 * Whether the forward of q takes directConv2d: directConv2dApplies, or few input channels per group (1 to
 * kDirectMaxSmallCin, e.g. an image's 1 or 3) with at least a vector of output channels per group. There
 * the im2col + GEMM multiplies a (coutG x 9 or 27) weight matrix by columns built per image, and the columns
 * cost as much as the GEMM; the direct kernel reads the padded planes in place.
 */
bool directConv2dForwardApplies(const nt::Conv2dArgs& q);

/** Floats of directConv2d's packed weights for q (all groups). */
size_t directPackedSize(const nt::Conv2dArgs& q);

/**
 * Packs the forward weights w (cOut, cIn / groups, kH, kW) of q into wp (directPackedSize(q) floats), the
 * layout directConv2d reads.
 */
void directPackForward(const float* w, const nt::Conv2dArgs& q, float* wp);

/**
 * Packs the weights of the convolution that computes p's input gradient (q = directBackwardArgs(p)): the
 * forward weights w of p, flipped in both spatial axes and with in and out channels swapped per group.
 */
void directPackBackwardInput(const float* w, const nt::Conv2dArgs& p, float* wp);

/**
 * The forward convolution whose output is the input gradient of p (stride 1 only): gy as its input, the
 * flipped, transposed weights, padding dilation * (k - 1) - pad. False if p has a stride or a padding
 * past the dilated kernel span (then there is no such convolution).
 */
bool directBackwardArgs(const nt::Conv2dArgs& p, nt::Conv2dArgs* q);

/**
 * y (n, cOut, outH, outW) = the convolution q of x (n, cIn, inH, inW) with weights packed by
 * directPack* (wp), plus bias (cOut, or null), relu applied if q.relu. Overwrites y. Threads split
 * (image, group, row block) tasks; each y element is the same sum whatever the split. False if scratch
 * memory could not be had.
 */
bool directConv2d(const float* x, const float* wp, const float* bias, float* y, const nt::Conv2dArgs& q);

/**
 * gw (cOut, cIn / groups, kH, kW) = the weight gradient of p from x and gy (conv2d-direct-weight.cc), for
 * the convolutions directConv2dApplies takes. Overwrites gw. The result does not depend on the thread
 * count. False if memory could not be had.
 */
bool directConv2dBackwardWeight(const float* x, const float* gy, float* gw, const nt::Conv2dArgs& p);

}  // namespace NT_ISA_NS
