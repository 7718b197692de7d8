// This ISA's kernel table (one per ISA library; addon.cc picks one at load time).
#include "isa.h"
#include "kernels.h"

namespace NT_ISA_NS {

bool matmul(const float* a, const float* b, float* c, const nt::MatmulArgs& p);
bool conv1dForward(const float* x, const float* w, const float* bias, float* y, const nt::Conv1dArgs& p);
bool conv1dBackwardInput(const float* gy, const float* w, float* gx, const nt::Conv1dArgs& p);
bool conv1dBackwardWeight(const float* x, const float* gy, float* gw, float* gb, const nt::Conv1dArgs& p);
bool sgdStep(float* param, const float* grad, float* buf, const nt::SgdArgs& p);
bool reluForward(const float* x, float* y, size_t len);
bool reluBackward(const float* y, const float* gy, float* gx, size_t len);
bool maxPool1dForward(const float* x, float* y, void* idx, bool idx32, const nt::Pool1dArgs& p);
bool maxPool1dBackward(const float* gy, const void* idx, bool idx32, float* gx, const nt::Pool1dArgs& p);
bool batchNormForward(const float* x, const float* weight, const float* bias, double* mean, double* invstd, float* y,
                      const nt::BatchNormArgs& p);
bool batchNormBackward(const float* gy, const float* x, const float* weight, const double* mean,
                       const double* invstd, float* gx, float* gw, float* gb, const nt::BatchNormArgs& p);

#define NT_STR2(x) #x
#define NT_STR(x) NT_STR2(x)

const nt::KernelTable& kernelTable() {
  static const nt::KernelTable table = {
      NT_STR(NT_ISA_NS) + 3,  // "nt_avx2" -> "avx2"
      matmul, conv1dForward, conv1dBackwardInput, conv1dBackwardWeight, sgdStep,
      reluForward, reluBackward, maxPool1dForward, maxPool1dBackward, batchNormForward, batchNormBackward,
  };
  return table;
}

}  // namespace NT_ISA_NS
