// The checks of each params struct that go beyond its fields' kinds (those are read and checked by the
// generated entries, native/generated/entries.h): PyTorch's rules and the output-length formulas. Each
// throws a RangeError / TypeError naming the kernel through Args.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>
#include <string>

#include "common.h"
#include "kernels/kernels.h"

namespace nt {

inline void checkMatmul(const Args&, const MatmulArgs&) {}

/** d is a whole number of spatial positions (the affine index is (group offset + e) / spatial). */
inline void checkAffineNorm(const Args& args, const AffineNormArgs& p) {
  if (p.d % p.spatial != 0)
    args.rangeError("expected params.spatial = " + str(p.spatial) + " to divide params.d = " + str(p.d));
}

/** Each operand's batch count is the batch or 1 (one matrix shared by every product). */
inline void checkBmm(const Args& args, const BmmArgs& p) {
  if (p.aBatch != p.batch && p.aBatch != 1)
    args.rangeError("expected params.aBatch to be params.batch = " + str(p.batch) + " or 1, got " + str(p.aBatch));
  if (p.bBatch != p.batch && p.bBatch != 1)
    args.rangeError("expected params.bBatch to be params.batch = " + str(p.batch) + " or 1, got " + str(p.bBatch));
}

/** a * b + c, or a RangeError naming `what` when it does not fit in size_t. */
inline size_t checkedMulAdd(const Args& args, size_t a, size_t b, size_t c, const char* what) {
  size_t r;
  if (__builtin_mul_overflow(a, b, &r) || __builtin_add_overflow(r, c, &r))
    args.rangeError(std::string("params.") + what + " addresses overflow");
  return r;
}

/**
 * One end past the last float that the products of bmmHeads touch in an operand: rows x cols matrices,
 * rows ld apart, at o * outerStride + h * headStride (0 when there are no elements).
 */
inline size_t bmmHeadsExtent(const Args& args, const BmmHeadsArgs& p, size_t rows, size_t cols, size_t outerStride,
                             size_t headStride, size_t ld, const char* what) {
  if (p.outer == 0 || p.heads == 0 || rows == 0 || cols == 0) return 0;
  size_t end = checkedMulAdd(args, p.outer - 1, outerStride, cols, what);
  end = checkedMulAdd(args, p.heads - 1, headStride, end, what);
  return checkedMulAdd(args, rows - 1, ld, end, what);
}

/**
 * Whether the elements of C (m rows of n, rows cLd apart, products at o * cOuter + h * cHead) have distinct
 * addresses: taking the strides with a count above 1 from the smallest, each must clear the span of the
 * smaller ones (a sufficient test, the one strided libraries use for "no internal overlap").
 */
inline bool bmmHeadsDistinct(const BmmHeadsArgs& p) {
  std::pair<size_t, size_t> dims[3] = {{p.cLd, p.m}, {p.cHead, p.heads}, {p.cOuter, p.outer}};
  std::sort(std::begin(dims), std::end(dims));
  size_t span = p.n;  // no overflow: the extent check ran first
  for (const auto& [stride, count] : dims) {
    if (count <= 1) continue;
    if (stride < span) return false;
    span += (count - 1) * stride;
  }
  return true;
}

/** Every address of every product in bounds of its array (xLen), and C's elements distinct. */
inline void checkBmmHeads(const Args& args, const BmmHeadsArgs& p) {
  const size_t aEnd = p.transA ? bmmHeadsExtent(args, p, p.k, p.m, p.aOuter, p.aHead, p.aLd, "a")
                               : bmmHeadsExtent(args, p, p.m, p.k, p.aOuter, p.aHead, p.aLd, "a");
  const size_t bEnd = p.transB ? bmmHeadsExtent(args, p, p.n, p.k, p.bOuter, p.bHead, p.bLd, "b")
                               : bmmHeadsExtent(args, p, p.k, p.n, p.bOuter, p.bHead, p.bLd, "b");
  const size_t cEnd = bmmHeadsExtent(args, p, p.m, p.n, p.cOuter, p.cHead, p.cLd, "c");
  if (aEnd > p.aLen) args.rangeError("expected the products of a to end within params.aLen = " + str(p.aLen) + ", got an end at " + str(aEnd));
  if (bEnd > p.bLen) args.rangeError("expected the products of b to end within params.bLen = " + str(p.bLen) + ", got an end at " + str(bEnd));
  if (cEnd > p.cLen) args.rangeError("expected the products of c to end within params.cLen = " + str(p.cLen) + ", got an end at " + str(cEnd));
  if (cEnd > 0 && !bmmHeadsDistinct(p))
    args.rangeError("expected the products of c not to overlap (cLd, cHead, cOuter), got " + str(p.cLd) + ", " + str(p.cHead) + ", " + str(p.cOuter));
}

/** Nothing beyond the fields' kinds: maskRows >= 1 (its kind) keeps the mask row r % maskRows defined. */
inline void checkSoftmax(const Args&, const SoftmaxArgs&) {}

/** g is the gate block of the hidden size: 4 * hs. */
inline void checkLstmCell(const Args& args, const LstmCellArgs& p) {
  if (p.g != 4 * p.hs) args.rangeError("expected params.g to be 4 * params.hs = " + str(4 * p.hs) + ", got " + str(p.g));
}

/** groups divides cIn and cOut. */
inline void checkGroups(const Args& args, size_t cIn, size_t cOut, size_t groups) {
  if (cIn % groups != 0)
    args.rangeError("expected params.groups = " + str(groups) + " to divide params.cIn = " + str(cIn));
  if (cOut % groups != 0)
    args.rangeError("expected params.groups = " + str(groups) + " to divide params.cOut = " + str(cOut));
}

/**
 * One convolved dimension: out = floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1. The
 * field names (e.g. "l", "k", ..., "lOut") go into the messages.
 */
inline void checkConvLength(const Args& args, size_t l, size_t k, size_t stride, size_t padding, size_t dilation,
                            size_t out, const char* const names[6]) {
  const std::string L = names[0], K = names[1], S = names[2], P = names[3], D = names[4], O = names[5];
  // In int64 without overflow: l, padding <= 2**53 so l + 2 * padding < 2**55; the span is checked.
  const int64_t padded = static_cast<int64_t>(l) + 2 * static_cast<int64_t>(padding);
  const uint64_t km1 = k - 1;
  if (km1 != 0 && dilation > static_cast<uint64_t>(INT64_MAX / 4) / km1)
    args.rangeError("params." + D + " * (params." + K + " - 1) is too large");
  const int64_t span = static_cast<int64_t>(dilation * km1) + 1;  // the dilated kernel's length
  const int64_t num = padded - span, s = static_cast<int64_t>(stride);
  const int64_t expected = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (expected < 0)
    args.rangeError("the dilated kernel (" + D + " * (" + K + " - 1) + 1 = " + std::to_string(span) +
                    ") is longer than the padded input (" + L + " + 2 * " + P + " = " + std::to_string(padded) + ")");
  if (out != static_cast<uint64_t>(expected))
    args.rangeError("expected params." + O + " = floor((" + L + " + 2 * " + P + " - " + D + " * (" + K + " - 1) - 1) / " +
                    S + ") + 1 = " + std::to_string(expected) + ", got " + str(out));
}

/** groups divides cIn and cOut; lOut = floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1. */
inline void checkConv1d(const Args& args, const Conv1dArgs& c) {
  checkGroups(args, c.cIn, c.cOut, c.groups);
  static const char* const names[6] = {"l", "k", "stride", "padding", "dilation", "lOut"};
  checkConvLength(args, c.l, c.k, c.stride, c.padding, c.dilation, c.lOut, names);
}

/** checkConv1d for each of the two spatial dimensions. */
inline void checkConv2d(const Args& args, const Conv2dArgs& c) {
  checkGroups(args, c.cIn, c.cOut, c.groups);
  static const char* const rows[6] = {"inH", "kH", "strideH", "padH", "dilationH", "outH"};
  static const char* const cols[6] = {"inW", "kW", "strideW", "padW", "dilationW", "outW"};
  checkConvLength(args, c.inH, c.kH, c.strideH, c.padH, c.dilationH, c.outH, rows);
  checkConvLength(args, c.inW, c.kW, c.strideW, c.padW, c.dilationW, c.outW, cols);
}

/** PyTorch's SGD rule: nesterov needs momentum > 0 and dampening = 0 (the >= 0 rules are field kinds). */
inline void checkSgd(const Args& args, const SgdArgs& s) {
  if (s.nesterov && (s.momentum <= 0 || s.dampening != 0))
    args.rangeError("nesterov needs params.momentum > 0 and params.dampening = 0");
}

/** Adam's bias corrections 1 - beta ** step lie in (0, 1]. */
inline void checkAdam(const Args& args, const AdamArgs& a) {
  if (!(a.biasCorrection1 > 0 && a.biasCorrection1 <= 1) || !(a.biasCorrection2 > 0 && a.biasCorrection2 <= 1))
    args.rangeError("expected params.biasCorrection1 and params.biasCorrection2 in (0, 1]");
}

/** adamStep reads maxExpAvgSq only with amsgrad; then it is required. */
inline bool adamUsesMax(const Args& args, const AdamArgs& a, bool present) {
  if (a.amsgrad && !present) args.typeError("expected maxExpAvgSq to be a Float32Array when params.amsgrad, got null");
  return a.amsgrad;
}

/** sgdStep reads buf only when momentum != 0 in float32 (the kernel's precision); then it is required. */
inline bool sgdUsesBuf(const Args& args, const SgdArgs& s, bool present) {
  const bool used = static_cast<float>(s.momentum) != 0.0f;
  if (used && !present) args.typeError("expected buf to be a Float32Array when params.momentum != 0, got null");
  return used;
}

/**
 * One pooled dimension: padding <= k / 2, and out is PyTorch's pooling output length in floor or in ceil
 * mode (so every window holds a real element). names: the fields of l, k, stride, padding, dilation, out.
 */
inline void checkPoolLength(const Args& args, size_t l, size_t k, size_t stride, size_t padding, size_t dilation,
                            size_t out, const char* const names[6]) {
  const std::string L = names[0], K = names[1], S = names[2], P = names[3], D = names[4], O = names[5];
  if (padding > k / 2)
    args.rangeError("expected params." + P + " <= params." + K + " / 2 = " + str(k / 2) + ", got " + str(padding));
  const uint64_t km1 = k - 1;
  if (km1 != 0 && dilation > static_cast<uint64_t>(INT64_MAX / 4) / km1)
    args.rangeError("params." + D + " * (params." + K + " - 1) is too large");
  // l, padding <= 2**53, so these fit in int64.
  const int64_t span = static_cast<int64_t>(dilation * km1) + 1;
  const int64_t padded = static_cast<int64_t>(l) + 2 * static_cast<int64_t>(padding);
  const int64_t num = padded - span;
  if (num < 0)
    args.rangeError("the dilated kernel (" + D + " * (" + K + " - 1) + 1 = " + std::to_string(span) +
                    ") is longer than the padded input (" + L + " + 2 * " + P + " = " + std::to_string(padded) + ")");
  const int64_t s = static_cast<int64_t>(stride);
  const int64_t floorOut = num / s + 1;
  int64_t ceilOut = (num + s - 1) / s + 1;
  if ((ceilOut - 1) * s >= static_cast<int64_t>(l) + static_cast<int64_t>(padding)) ceilOut--;
  const int64_t o = static_cast<int64_t>(out);
  if (o != floorOut && o != ceilOut)
    args.rangeError("expected params." + O + " = " + std::to_string(floorOut) + " (floor((" + L + " + 2 * " + P +
                    " - " + D + " * (" + K + " - 1) - 1) / " + S + ") + 1)" +
                    (ceilOut != floorOut ? " or " + std::to_string(ceilOut) + " (ceil mode)" : std::string()) +
                    ", got " + str(out));
}

/** checkPoolLength of the one pooled dimension. */
inline void checkPool1d(const Args& args, const Pool1dArgs& q) {
  static const char* const names[6] = {"l", "k", "stride", "padding", "dilation", "lOut"};
  checkPoolLength(args, q.l, q.k, q.stride, q.padding, q.dilation, q.lOut, names);
}

/**
 * Every window of a pooled dimension covers an input element (src/ops/pool1d.ts emptyPoolWindow): only a
 * window starting in the left padding may not, when dilation > 1 steps its taps over the whole input.
 * Runs after checkPoolLength (padding <= k / 2, so at most k / 2 + 1 windows are looked at).
 */
inline void checkPoolWindowsHit(const Args& args, size_t l, size_t k, size_t stride, size_t padding, size_t dilation,
                                size_t out, const char* dim) {
  for (size_t o = 0; o < out && o * stride < padding; ++o) {
    const size_t back = padding - o * stride;       // the window starts `back` positions before the input
    const size_t j = (back + dilation - 1) / dilation;  // its first tap at or after position 0
    if (j >= k || j * dilation - back >= l)
      args.rangeError(std::string("expected every window to cover an input element, got window ") + str(o) +
                      " along " + dim + " lying wholly in the padding");
  }
}

/** checkPoolLength and checkPoolWindowsHit for each of the two pooled dimensions. */
inline void checkPool2d(const Args& args, const Pool2dArgs& q) {
  static const char* const rows[6] = {"inH", "kH", "strideH", "padH", "dilationH", "outH"};
  static const char* const cols[6] = {"inW", "kW", "strideW", "padW", "dilationW", "outW"};
  checkPoolLength(args, q.inH, q.kH, q.strideH, q.padH, q.dilationH, q.outH, rows);
  checkPoolLength(args, q.inW, q.kW, q.strideW, q.padW, q.dilationW, q.outW, cols);
  checkPoolWindowsHit(args, q.inH, q.kH, q.strideH, q.padH, q.dilationH, q.outH, "H");
  checkPoolWindowsHit(args, q.inW, q.kW, q.strideW, q.padW, q.dilationW, q.outW, "W");
}

/** Training computes batch statistics: each channel needs at least one value. */
inline void checkBatchNorm(const Args& args, const BatchNormArgs& b) {
  if (b.training && b.c > 0 && (b.n == 0 || b.inner == 0))
    args.rangeError("expected params.n * params.inner >= 1 when training, got n = " + str(b.n) +
                    ", inner = " + str(b.inner));
}

/** The window bounds o * l / lOut are computed in uint64 (only rows > 0 touches memory, which bounds l and lOut). */
inline void checkAdaptivePool1d(const Args& args, const AdaptivePool1dArgs& a) {
  if (a.rows > 0 && a.l > UINT64_MAX / 4 / a.lOut)
    args.rangeError("params.l * params.lOut is too large, got l = " + str(a.l) + ", lOut = " + str(a.lOut));
}

/** Each block lies inside its row: offset + blk <= stride, on both sides (the fields are <= 2**53). */
inline void checkBlockCopy(const Args& args, const BlockCopyArgs& b) {
  if (b.srcOffset + b.blk > b.srcStride)
    args.rangeError("expected params.srcOffset + params.blk <= params.srcStride = " + str(b.srcStride) + ", got " +
                    str(b.srcOffset) + " + " + str(b.blk));
  if (b.dstOffset + b.blk > b.dstStride)
    args.rangeError("expected params.dstOffset + params.blk <= params.dstStride = " + str(b.dstStride) + ", got " +
                    str(b.dstOffset) + " + " + str(b.blk));
}

/** Nothing beyond the fields' kinds: any rows x cols (rows = 0 gives zeros). */
inline void checkColumnSum(const Args&, const ColumnSumArgs&) {}

/** paddingIdx is a row of the table or num (none). */
inline void checkEmbeddingBackward(const Args& args, const EmbeddingBackwardArgs& p) {
  if (p.paddingIdx > p.num)
    args.rangeError("expected params.paddingIdx in [0, params.num = " + str(p.num) + "], got " + str(p.paddingIdx));
}

}  // namespace nt
