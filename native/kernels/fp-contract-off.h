// Switches FMA contraction off for the rest of the including file, so that no multiply-add is fused behind
// the code's back where each rounding is deliberate (the optimizer kernels, embeddingBackward's scaled sums).
// Include it first, before any other header, so that it covers everything the file compiles.
#pragma once

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
