// Which build of the SIMD kernels this process runs. The kernels of render
// and losses are compiled once per instruction set (render/cmake/isa.cmake)
// and one build is picked at run time, the same for both libraries.
#pragma once

namespace splattrack {

enum class Isa {
  kBaseline,  // portable x86-64 (SSE2) or whatever the target's default is
  kX86_64V3,  // AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE
};

// Chosen once per process, on first use: the best build this CPU runs, or
// kBaseline when the environment variable SPLATTRACK_ISA is "baseline" (to
// compare, or to test the portable kernels on a machine that has more).
// Throws std::invalid_argument when SPLATTRACK_ISA holds anything else
// (empty counts as unset).
Isa active_isa();

const char* to_string(Isa isa);  // "baseline", "x86-64-v3"

}  // namespace splattrack
