// 8-lane float vectors (GCC vector extensions) for the CPU rasterizer: one
// lane per pixel of a half tile row. The same source compiles to AVX2 in the
// x86-64-v3 clone of a kernel and to SSE2 pairs in the default one.
#pragma once

#include <cstdint>
#include <cstring>

namespace splattrack::cpu {

inline constexpr int kLanes = 8;
using f8 = float __attribute__((vector_size(32)));
using i8 = std::int32_t __attribute__((vector_size(32)));

#define ST_SIMD inline __attribute__((always_inline))

// Hot loops are compiled twice, for x86-64-v3 (AVX2) and for baseline x86-64,
// and the loader picks one per machine. Rounding does not depend on the
// clone: the render library is built with -ffp-contract=off.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ST_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define ST_KERNEL
#endif

ST_SIMD f8 broadcast(float v) {
  const f8 first{v};
  return __builtin_shufflevector(first, first, 0, 0, 0, 0, 0, 0, 0, 0);
}

ST_SIMD f8 load8(const float* p) {
  f8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

ST_SIMD void store8(float* p, f8 v) { std::memcpy(p, &v, sizeof v); }

ST_SIMD f8 select(i8 mask, f8 a, f8 b) { return mask ? a : b; }

ST_SIMD bool any(i8 mask) {
  using u64x4 = std::uint64_t __attribute__((vector_size(32)));
  const u64x4 m = reinterpret_cast<u64x4>(mask);
  return (m[0] | m[1] | m[2] | m[3]) != 0;
}

ST_SIMD bool all(i8 mask) {
  using u64x4 = std::uint64_t __attribute__((vector_size(32)));
  const u64x4 m = reinterpret_cast<u64x4>(mask);
  return (m[0] & m[1] & m[2] & m[3]) == ~std::uint64_t{0};
}

// Lane sum in a fixed order (determinism does not depend on the clone).
ST_SIMD float hsum(f8 v) {
  using f4 = float __attribute__((vector_size(16)));
  const f4 q = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
  return (q[0] + q[2]) + (q[1] + q[3]);
}

// exp(x) for x <= 0 (the Gaussian's power) as 2^n 2^f, n = round(x log2 e),
// 2^f by its degree-6 Taylor polynomial: relative error ~2e-7 for the
// powers that can give alpha >= 1/255. Below 2^-100 the scale stops
// shrinking: such values are far below any alpha cut, and clamping keeps
// alpha * T of a skipped lane from turning subnormal (subnormal arithmetic
// costs ~100 cycles an instruction).
ST_SIMD f8 exp_nonpositive(f8 x) {
  const f8 round_magic = broadcast(12582912.f);  // 1.5 * 2^23: add/sub rounds to integer
  const f8 y = x * 1.44269504088896341f;
  const f8 n = (y + round_magic) - round_magic;
  const f8 f = y - n;
  f8 p = broadcast(1.5403530393381606e-4f);
  p = p * f + 1.3333558146428443e-3f;
  p = p * f + 9.6181291076284772e-3f;
  p = p * f + 5.5504108664821580e-2f;
  p = p * f + 2.4022650695910071e-1f;
  p = p * f + 6.9314718055994531e-1f;
  p = p * f + 1.f;
  i8 e = __builtin_convertvector(n, i8);
  e = e < -100 ? i8{} - 100 : e;
  return p * reinterpret_cast<f8>((e + 127) << 23);
}

}  // namespace splattrack::cpu
