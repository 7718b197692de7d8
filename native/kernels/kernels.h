// The kernel table shared by addon.cc and every ISA build of native/kernels/*.cc, built from the
// manifest's X-macro (native/generated/manifest.h, generated from src/backend/manifest.ts).
//
// Only plain structs and declarations live here (no inline code): this header is compiled both into
// the ISA libraries (e.g. with -mavx2) and into the baseline addon code, and an inline function
// emitted by an AVX2 object could be the copy the linker keeps and then run on a CPU without AVX2.
// All sizes are validated by the addon's generated entries before any kernel runs.
#pragma once

#include <cstddef>

#include "../generated/manifest.h"

namespace nt {

/** The kernels of one ISA build: one function pointer per manifest kernel, in manifest order. */
struct KernelTable {
  const char* isa;
#define NT_TABLE_FIELD(name, sig) bool(*name) sig;
  NT_KERNEL_LIST(NT_TABLE_FIELD)
#undef NT_TABLE_FIELD
};
static_assert(sizeof(KernelTable) == sizeof(const char*) + NT_KERNEL_COUNT * sizeof(bool (*)()),
              "KernelTable must hold exactly the manifest's kernels");

}  // namespace nt

// One table per ISA library; addon.cc picks one at load time.
namespace nt_baseline {
const nt::KernelTable& kernelTable();
}
#if defined(NT_HAVE_AVX2)
namespace nt_avx2 {
const nt::KernelTable& kernelTable();
}
#endif
#if defined(NT_HAVE_AVX512)
namespace nt_avx512 {
const nt::KernelTable& kernelTable();
}
#endif
