// This ISA's kernel table (one per ISA library; addon.cc picks one at load time).
#include "isa.h"
#include "kernels.h"

namespace NT_ISA_NS {

bool matmul(const float* a, const float* b, float* c, const nt::MatmulArgs& p);
bool conv1dForward(const float* x, const float* w, const float* bias, float* y, const nt::Conv1dArgs& p);
bool conv1dBackwardInput(const float* gy, const float* w, float* gx, const nt::Conv1dArgs& p);
bool conv1dBackwardWeight(const float* x, const float* gy, float* gw, float* gb, const nt::Conv1dArgs& p);
bool sgdStep(float* param, const float* grad, float* buf, const nt::SgdArgs& p);

#define NT_STR2(x) #x
#define NT_STR(x) NT_STR2(x)

const nt::KernelTable& kernelTable() {
  static const nt::KernelTable table = {
      NT_STR(NT_ISA_NS) + 3,  // "nt_avx2" -> "avx2"
      matmul, conv1dForward, conv1dBackwardInput, conv1dBackwardWeight, sgdStep,
  };
  return table;
}

}  // namespace NT_ISA_NS
