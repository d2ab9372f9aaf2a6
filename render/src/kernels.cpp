#include "kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace splattrack::cpu {

namespace baseline {
extern const Kernels kKernels;
}
#if defined(SPLATTRACK_RENDER_V3)
namespace v3 {
extern const Kernels kKernels;
}
#endif

// SPLATTRACK_RENDER_ISA=baseline forces the portable build (to compare).
const Kernels& kernels() {
#if defined(SPLATTRACK_RENDER_V3)
  static const bool v3 = [] {
    const char* forced = std::getenv("SPLATTRACK_RENDER_ISA");
    if (forced && std::strcmp(forced, "baseline") == 0) return false;
    return static_cast<bool>(__builtin_cpu_supports("x86-64-v3"));
  }();
  if (v3) return v3::kKernels;
#endif
  return baseline::kKernels;
}

}  // namespace splattrack::cpu
