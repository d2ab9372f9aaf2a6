// 8-lane float vectors (GCC vector extensions) for the CPU rasterizer: one
// lane per pixel of a half tile row. The same source compiles to AVX2 in the
// x86-64-v3 clone of a kernel and to SSE2 pairs in the default one.
#pragma once

#include <cstdint>
#include <cstring>

#include "splattrack/render/math_types.hpp"

namespace splattrack::cpu {

inline constexpr int kLanes = 8;
using f8 = float __attribute__((vector_size(32)));
using i8 = std::int32_t __attribute__((vector_size(32)));

#define ST_SIMD inline __attribute__((always_inline))

// a b + c: one fused instruction where the build has FMA (rounded once),
// else two. Only where written: the library is built with -ffp-contract=off,
// so that forward and backward kernels, which replay the same blending
// decisions, round alike.
ST_SIMD f8 fma8(f8 a, f8 b, f8 c) {
#if defined(__FMA__)
  f8 r;
  for (int l = 0; l < kLanes; ++l) r[l] = __builtin_fmaf(a[l], b[l], c[l]);
  return r;
#else
  return a * b + c;
#endif
}

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

// Structure-of-arrays views of 8 consecutive 3- or 4-float records (AoS
// model arrays such as means [N, 3] or quats [N, 4]).
ST_SIMD void load_aos3(const float* p, f8& x, f8& y, f8& z) {
  const f8 a = load8(p), b = load8(p + 8), c = load8(p + 16);
  x = __builtin_shufflevector(__builtin_shufflevector(a, b, 0, 3, 6, 9, 12, 15, 0, 0), c, 0, 1, 2,
                              3, 4, 5, 10, 13);
  y = __builtin_shufflevector(__builtin_shufflevector(a, b, 1, 4, 7, 10, 13, 0, 0, 0), c, 0, 1, 2,
                              3, 4, 8, 11, 14);
  z = __builtin_shufflevector(__builtin_shufflevector(a, b, 2, 5, 8, 11, 14, 0, 0, 0), c, 0, 1, 2,
                              3, 4, 9, 12, 15);
}

ST_SIMD void store_aos3(float* p, f8 x, f8 y, f8 z) {
  const f8 xy0 = __builtin_shufflevector(x, y, 0, 8, 1, 9, 2, 10, 3, 11);
  const f8 xy1 = __builtin_shufflevector(x, y, 4, 12, 5, 13, 6, 14, 7, 15);
  store8(p, __builtin_shufflevector(xy0, z, 0, 1, 8, 2, 3, 9, 4, 5));
  store8(p + 8, __builtin_shufflevector(__builtin_shufflevector(xy0, xy1, 6, 7, 8, 9, 10, 0, 0, 0),
                                        z, 10, 0, 1, 11, 2, 3, 12, 4));
  store8(p + 16, __builtin_shufflevector(xy1, z, 3, 13, 4, 5, 14, 6, 7, 15));
}

ST_SIMD void load_aos4(const float* p, f8& w, f8& x, f8& y, f8& z) {
  const f8 a = load8(p), b = load8(p + 8), c = load8(p + 16), d = load8(p + 24);
  const f8 ab0 = __builtin_shufflevector(a, b, 0, 4, 8, 12, 1, 5, 9, 13);  // w x of 0..3
  const f8 cd0 = __builtin_shufflevector(c, d, 0, 4, 8, 12, 1, 5, 9, 13);  // w x of 4..7
  const f8 ab1 = __builtin_shufflevector(a, b, 2, 6, 10, 14, 3, 7, 11, 15);  // y z of 0..3
  const f8 cd1 = __builtin_shufflevector(c, d, 2, 6, 10, 14, 3, 7, 11, 15);  // y z of 4..7
  w = __builtin_shufflevector(ab0, cd0, 0, 1, 2, 3, 8, 9, 10, 11);
  x = __builtin_shufflevector(ab0, cd0, 4, 5, 6, 7, 12, 13, 14, 15);
  y = __builtin_shufflevector(ab1, cd1, 0, 1, 2, 3, 8, 9, 10, 11);
  z = __builtin_shufflevector(ab1, cd1, 4, 5, 6, 7, 12, 13, 14, 15);
}

ST_SIMD void store_aos4(float* p, f8 w, f8 x, f8 y, f8 z) {
  const f8 wx0 = __builtin_shufflevector(w, x, 0, 8, 1, 9, 2, 10, 3, 11);  // w0 x0 w1 x1 ..
  const f8 wx1 = __builtin_shufflevector(w, x, 4, 12, 5, 13, 6, 14, 7, 15);
  const f8 yz0 = __builtin_shufflevector(y, z, 0, 8, 1, 9, 2, 10, 3, 11);
  const f8 yz1 = __builtin_shufflevector(y, z, 4, 12, 5, 13, 6, 14, 7, 15);
  store8(p, __builtin_shufflevector(wx0, yz0, 0, 1, 8, 9, 2, 3, 10, 11));
  store8(p + 8, __builtin_shufflevector(wx0, yz0, 4, 5, 12, 13, 6, 7, 14, 15));
  store8(p + 16, __builtin_shufflevector(wx1, yz1, 0, 1, 8, 9, 2, 3, 10, 11));
  store8(p + 24, __builtin_shufflevector(wx1, yz1, 4, 5, 12, 13, 6, 7, 14, 15));
}

// Lane sum in a fixed order (determinism does not depend on the clone).
ST_SIMD float hsum(f8 v) {
  using f4 = float __attribute__((vector_size(16)));
  const f4 q = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
  return (q[0] + q[2]) + (q[1] + q[3]);
}

// exp(x) for x <= 0 (the Gaussian's power): x = n ln2 + r with ln2 split in
// two so that r is nearly exact, e^r by the Cephes expf polynomial (~1 ulp;
// a cruder reduction makes the error grow with |x| and shows up as noise in
// finite differences). Below 2^-100 the scale stops shrinking: such values
// are far below any alpha cut, and clamping keeps alpha * T of a skipped
// lane from turning subnormal (subnormal arithmetic costs ~100 cycles).
ST_SIMD f8 exp_nonpositive(f8 x) {
  const f8 round_magic = broadcast(12582912.f);  // 1.5 * 2^23: add/sub rounds to integer
  const f8 n = fma8(x, broadcast(1.44269504088896341f), round_magic) - round_magic;
  const f8 r = fma8(n, broadcast(2.12194440e-4f), fma8(n, broadcast(-0.693359375f), x));
  f8 p = broadcast(1.9875691500e-4f);
  p = fma8(p, r, broadcast(1.3981999507e-3f));
  p = fma8(p, r, broadcast(8.3334519073e-3f));
  p = fma8(p, r, broadcast(4.1665795894e-2f));
  p = fma8(p, r, broadcast(1.6666665459e-1f));
  p = fma8(p, r, broadcast(5.0000001201e-1f));
  p = fma8(p, r * r, r) + 1.f;
  i8 e = __builtin_convertvector(n, i8);
  e = e < -100 ? i8{} - 100 : e;
  return p * reinterpret_cast<f8>((e + 127) << 23);
}

// exp(x) for any x, by exp_nonpositive's method; x is clamped to [-87, 88]
// so that 2^n stays a normal float (exp(-inf) gives ~1.6e-38, not 0).
ST_SIMD f8 exp_clamped(f8 x) {
  x = x > -87.f ? x : broadcast(-87.f);
  x = x < 88.f ? x : broadcast(88.f);
  return exp_nonpositive(x);
}

// Natural log for x > 0 (Cephes logf polynomial, ~1 ulp); x below 1e-30,
// zero and NaN give log(1e-30).
ST_SIMD f8 log_positive(f8 x) {
  x = x > 1e-30f ? x : broadcast(1e-30f);
  const i8 bits = reinterpret_cast<i8>(x);
  i8 e = ((bits >> 23) & 0xff) - 126;  // x = m 2^e, m in [0.5, 1)
  f8 m = reinterpret_cast<f8>((bits & 0x007fffff) | 0x3f000000);
  const i8 small = m < 0.70710678f;  // then use 2m in [1, sqrt 2) and e - 1
  e += small;
  m = (m - 1.f) + reinterpret_cast<f8>(small & reinterpret_cast<i8>(m));
  const f8 ef = __builtin_convertvector(e, f8);
  const f8 z = m * m;
  f8 y = broadcast(7.0376836292e-2f);
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z + ef * -2.12194440e-4f - 0.5f * z;
  return m + y + ef * 0.693359375f;
}

}  // namespace splattrack::cpu

namespace splattrack::gs {

// The shared math on 8 lanes. sqrt is written per lane: with
// -fno-math-errno GCC turns the loop into one vector square root.
template <>
struct Ops<cpu::f8> {
  using Mask = cpu::i8;
  using Int = cpu::i8;
  ST_SIMD static cpu::f8 sqrt(cpu::f8 x) {
    cpu::f8 r;
    for (int l = 0; l < cpu::kLanes; ++l) r[l] = __builtin_sqrtf(x[l]);
    return r;
  }
  ST_SIMD static cpu::f8 exp(cpu::f8 x) { return cpu::exp_clamped(x); }
  ST_SIMD static cpu::f8 log(cpu::f8 x) { return cpu::log_positive(x); }
  // ceil and floor by truncation, valid within int range (callers clamp).
  ST_SIMD static cpu::f8 ceil(cpu::f8 x) {
    const cpu::f8 t = to_float(to_int(x));
    return t + to_float((t < x) & 1);
  }
  ST_SIMD static cpu::f8 floor(cpu::f8 x) {
    const cpu::f8 t = to_float(to_int(x));
    return t - to_float((t > x) & 1);
  }
  ST_SIMD static cpu::i8 to_int(cpu::f8 x) { return __builtin_convertvector(x, cpu::i8); }
  ST_SIMD static cpu::f8 to_float(cpu::i8 i) { return __builtin_convertvector(i, cpu::f8); }
};

}  // namespace splattrack::gs
