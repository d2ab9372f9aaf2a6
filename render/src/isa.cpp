#include "splattrack/render/isa.hpp"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(SPLATTRACK_ISA_V3)
#include <cpuid.h>
#endif

namespace splattrack {
namespace {

#if defined(SPLATTRACK_ISA_V3)
// The x86-64-v3 feature set, read from CPUID (GCC's
// __builtin_cpu_supports("x86-64-v3") is missing from clang before 16),
// including the OS's saving of the AVX registers (XCR0 bits 1 and 2).
bool cpu_has_x86_64_v3() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool leaf1 = (c & bit_FMA) && (c & bit_MOVBE) && (c & bit_OSXSAVE) && (c & bit_AVX) && (c & bit_F16C);
  if (!leaf1) return false;
  unsigned xcr0_lo, xcr0_hi;
  __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0x6u) != 0x6u) return false;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  if (!((b & bit_AVX2) && (b & bit_BMI) && (b & bit_BMI2))) return false;
  if (!__get_cpuid(0x80000001u, &a, &b, &c, &d)) return false;
  return (c & bit_LZCNT) != 0;
}
#endif

Isa choose() {
  const char* forced = std::getenv("SPLATTRACK_ISA");
  if (forced != nullptr && forced[0] != '\0') {
    if (std::strcmp(forced, "baseline") == 0) return Isa::kBaseline;
    throw std::invalid_argument(std::string("SPLATTRACK_ISA must be \"baseline\" or unset, got \"") + forced + "\"");
  }
#if defined(SPLATTRACK_ISA_V3)
  if (cpu_has_x86_64_v3()) return Isa::kX86_64V3;
#endif
  return Isa::kBaseline;
}

}  // namespace

Isa active_isa() {
  static const Isa isa = choose();
  return isa;
}

const char* to_string(Isa isa) { return isa == Isa::kX86_64V3 ? "x86-64-v3" : "baseline"; }

}  // namespace splattrack
