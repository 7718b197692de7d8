// This ISA's kernel table (one per ISA library; addon.cc picks one at load time), from the manifest's
// X-macro: every kernel declared with its generated signature and listed in manifest order.
#include "isa.h"
#include "kernels.h"

namespace NT_ISA_NS {

#define NT_DECLARE_KERNEL(name, sig) bool name sig;
NT_KERNEL_LIST(NT_DECLARE_KERNEL)
#undef NT_DECLARE_KERNEL

#define NT_STR2(x) #x
#define NT_STR(x) NT_STR2(x)

const nt::KernelTable& kernelTable() {
#define NT_TABLE_ENTRY(name, sig) name,
  static const nt::KernelTable table = {
      NT_STR(NT_ISA_NS) + 3,  // "nt_avx2" -> "avx2"
      NT_KERNEL_LIST(NT_TABLE_ENTRY)
  };
#undef NT_TABLE_ENTRY
  return table;
}

}  // namespace NT_ISA_NS
