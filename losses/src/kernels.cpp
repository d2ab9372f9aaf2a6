#include "kernels.hpp"

#include "splattrack/render/isa.hpp"

namespace splattrack::losses {

namespace baseline {
extern const LossKernels kKernels;
}
#if defined(SPLATTRACK_ISA_V3)
namespace v3 {
extern const LossKernels kKernels;
}
#endif

const LossKernels& kernels() {
  static const LossKernels& chosen = []() -> const LossKernels& {
#if defined(SPLATTRACK_ISA_V3)
    if (active_isa() == Isa::kX86_64V3) return v3::kKernels;
#endif
    return baseline::kKernels;
  }();
  return chosen;
}

}  // namespace splattrack::losses
