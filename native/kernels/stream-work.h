// The thread-pool work estimate of the memory-bound (streaming) kernels (per ISA, see isa.h).
#pragma once

#include "isa.h"

namespace NT_ISA_NS {

/**
 * Work units per float a streaming kernel reads or writes, for nt::parallelFor's cut-off
 * (nt::kParallelMinWork, 2^19): these kernels split from 2^19 / 2 = 262k floats moved (add and relu
 * backward: 87k elements, ~1 MB; 20-40 us on one thread). Measured on 2 Zen 4 cores with the worker
 * warm (min of 300 calls, every size split): add / relu backward gain 1.7-1.8x at 262k elements and
 * nothing at 131k or below; a cold array costs one thread 2-4x more than the warm one timed there, so
 * the cut-off sits one step lower. Splitting costs little when it does not pay: the pool's caller runs
 * every range the worker does not claim.
 */
constexpr double kStreamWorkPerFloat = 2;

/** nt::parallelFor's `work` for a kernel that moves `floats` floats (each array element read or written once). */
static inline double streamWork(double floats) { return kStreamWorkPerFloat * floats; }

}  // namespace NT_ISA_NS
