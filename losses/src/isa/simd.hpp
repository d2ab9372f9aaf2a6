// Internal: an 8-float vector value for the kernels that keep accumulators
// in registers. Only the per-ISA kernels include it: the same source is
// built once per instruction set (render/cmake/isa.cmake), to AVX2 + FMA
// registers in the x86-64-v3 build and to pairs of SSE registers in the
// baseline one.
#pragma once

#include "../always_inline.hpp"

namespace splattrack::losses {

// Eight floats as one value (GCC/clang vector extension). Plain loops over
// lanes with several accumulators are split between vector and scalar code
// depending on what surrounds them; kernels written on Float8 are not. The
// baseline build lowers it to pairs of SSE registers.
typedef float Float8 __attribute__((vector_size(32)));
inline constexpr int kFloat8Lanes = 8;

// Eight floats at any float address, read or written as *ptr8(p): no vector
// is passed by value across a call, which clang rejects in the baseline build
// (its ABI differs without AVX). A pointer, not a reference: clang 14 drops
// the lowered alignment of a reference-returning helper and emitted aligned
// 32-byte loads (vmovaps) from 4-byte-aligned rows, which crashed.
typedef float Float8At __attribute__((vector_size(32), aligned(4), may_alias));
ST_ALWAYS_INLINE Float8At* ptr8(float* p) { return reinterpret_cast<Float8At*>(p); }
ST_ALWAYS_INLINE const Float8At* ptr8(const float* p) { return reinterpret_cast<const Float8At*>(p); }

// out[c][r] = in[r][c] for an 8 × 8 tile of rows in[0..7] and out[0..7]
// (the shuffles of the classic AVX transpose).
ST_ALWAYS_INLINE void transpose8(const float* const* in, float* const* out) {
  Float8 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = *ptr8(in[i]);
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  // r[i + 4·h]: columns c and c + 4 of rows 4h..4h + 3, for c = 0, 2, 1, 3.
  for (int h = 0; h < 8; h += 4)
    for (int j = 0; j < 2; ++j) {
      r[h + j] = __builtin_shufflevector(t[h + j], t[h + j + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      r[h + j + 2] = __builtin_shufflevector(t[h + j], t[h + j + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  constexpr int kColumn[4] = {0, 2, 1, 3};
  for (int i = 0; i < 4; ++i) {
    *ptr8(out[kColumn[i]]) = __builtin_shufflevector(r[i], r[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    *ptr8(out[kColumn[i] + 4]) = __builtin_shufflevector(r[i], r[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// The sum of the lanes, in a fixed order (halves added pairwise).
ST_ALWAYS_INLINE float sum8(const Float8& v) {
  return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

}  // namespace splattrack::losses
