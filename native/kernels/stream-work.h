// The thread-pool work estimate of the memory-bound (streaming) kernels (per ISA, see isa.h).
#pragma once

#include "isa.h"

namespace NT_ISA_NS {

/**
 * Work units per float a streaming kernel reads or writes, for nt::parallelFor's cut-off
 * (nt::kParallelMinWork, 2^19): these kernels split from 2^19 / kStreamWorkPerFloat floats moved.
 */
constexpr double kStreamWorkPerFloat = 2;

/** nt::parallelFor's `work` for a kernel that moves `floats` floats (each array element read or written once). */
static inline double streamWork(double floats) { return kStreamWorkPerFloat * floats; }

}  // namespace NT_ISA_NS
