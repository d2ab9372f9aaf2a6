// Small POD types for the math that CPU and CUDA back ends share
// (gaussian_math.hpp, sh.hpp, blend.hpp). Every formula there is a template
// on the scalar type T: float (CUDA, or one Gaussian on the CPU), or a GCC
// vector of floats whose lanes are Gaussians or pixels. Masks are then bool
// or a lane mask; the few non-arithmetic operations go through Ops<T>.
#pragma once

#include <cmath>

#include "splattrack/render/hd.hpp"

namespace splattrack::gs {

template <class T>
struct Vec2 {
  T x, y;
};

template <class T>
struct Vec3 {
  T x, y, z;
};

// Quaternion, w first (3DGS PLY order).
template <class T>
struct Quat {
  T w, x, y, z;
};

// Row-major: m[row][col].
template <class T>
struct Mat3 {
  T m[3][3];
};

// Symmetric 2x2 [[a, b], [b, c]].
template <class T>
struct Sym2 {
  T a, b, c;
};

// Symmetric 3x3, the six unique entries.
template <class T>
struct Sym3 {
  T xx, xy, xz, yy, yz, zz;
};

// Gradients of symmetric matrices (Sym2/Sym3 used as gradients) are partial
// derivatives w.r.t. the stored unique entries: an off-diagonal gradient is
// the sum of the two entry-wise derivatives.

using Vec2f = Vec2<float>;
using Vec3f = Vec3<float>;
using Quatf = Quat<float>;
using Mat3f = Mat3<float>;
using Sym2f = Sym2<float>;
using Sym3f = Sym3<float>;

// Operations beyond arithmetic and comparison. A vector back end specialises
// Ops for its vector type (the CPU one in render/src/simd.hpp).
template <class T>
struct Ops;

template <>
struct Ops<float> {
  using Mask = bool;
  using Int = int;
  ST_HDI static float sqrt(float x) { return sqrtf(x); }
  ST_HDI static float exp(float x) { return expf(x); }
  ST_HDI static float log(float x) { return logf(x); }
  ST_HDI static float ceil(float x) { return ceilf(x); }
  ST_HDI static float floor(float x) { return floorf(x); }
  // Truncates; x must be within int range.
  ST_HDI static int to_int(float x) { return static_cast<int>(x); }
  ST_HDI static float to_float(int i) { return static_cast<float>(i); }
};

// Double precision: the host-side references and gradient checks.
template <>
struct Ops<double> {
  using Mask = bool;
  ST_HDI static double sqrt(double x) { return ::sqrt(x); }
  ST_HDI static double exp(double x) { return ::exp(x); }
  ST_HDI static double log(double x) { return ::log(x); }
};

template <class T>
using MaskOf = typename Ops<T>::Mask;
template <class T>
using IntOf = typename Ops<T>::Int;

// Lane-wise choice; m ? a : b is defined for bool and for lane masks alike.
template <class M, class T>
ST_HDI T select(M m, T a, T b) {
  return m ? a : b;
}

// Mask logic for bool and lane masks alike (| on bools gives an int).
template <class M>
ST_HDI M mask_or(M a, M b) {
  return a | b;
}
template <class M>
ST_HDI M mask_and(M a, M b) {
  return a & b;
}
template <class M>
ST_HDI M mask_not(M m) {
  return ~m;
}
ST_HDI bool mask_not(bool m) { return !m; }

// min/max without the NaN rules of fminf/fmaxf, so that they compile to one
// instruction; NaN input is culled before it matters.
template <class T>
ST_HDI T min_v(T a, T b) {
  return a < b ? a : b;
}
template <class T>
ST_HDI T max_v(T a, T b) {
  return a > b ? a : b;
}

template <class T>
ST_HDI Vec3<T> operator+(Vec3<T> a, Vec3<T> b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
template <class T>
ST_HDI Vec3<T> operator-(Vec3<T> a, Vec3<T> b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
template <class T>
ST_HDI Vec3<T> operator*(T s, Vec3<T> a) {
  return {s * a.x, s * a.y, s * a.z};
}
template <class T>
ST_HDI T dot(Vec3<T> a, Vec3<T> b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

// m v with m a plain float matrix (the camera) and v of any scalar type.
template <class T>
ST_HDI Vec3<T> mul(const Mat3f& m, Vec3<T> v) {
  return {m.m[0][0] * v.x + m.m[0][1] * v.y + m.m[0][2] * v.z,
          m.m[1][0] * v.x + m.m[1][1] * v.y + m.m[1][2] * v.z,
          m.m[2][0] * v.x + m.m[2][1] * v.y + m.m[2][2] * v.z};
}

template <class T>
ST_HDI Vec3<T> mul_transposed(const Mat3f& m, Vec3<T> v) {
  return {m.m[0][0] * v.x + m.m[1][0] * v.y + m.m[2][0] * v.z,
          m.m[0][1] * v.x + m.m[1][1] * v.y + m.m[2][1] * v.z,
          m.m[0][2] * v.x + m.m[1][2] * v.y + m.m[2][2] * v.z};
}

}  // namespace splattrack::gs
