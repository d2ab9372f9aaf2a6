#include "kernels.hpp"

#include "splattrack/render/isa.hpp"

namespace splattrack::cpu {

namespace baseline {
extern const Kernels kKernels;
}
#if defined(SPLATTRACK_ISA_V3)
namespace v3 {
extern const Kernels kKernels;
}
#endif

const Kernels& kernels() {
  static const Kernels& chosen = []() -> const Kernels& {
#if defined(SPLATTRACK_ISA_V3)
    if (active_isa() == Isa::kX86_64V3) return v3::kKernels;
#endif
    return baseline::kKernels;
  }();
  return chosen;
}

}  // namespace splattrack::cpu
