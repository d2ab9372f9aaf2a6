// Real spherical harmonics up to degree 3 with the constants and sign
// conventions of the 3DGS code, and their backward (shared by CPU and CUDA).
#pragma once

#include <cmath>

#include "splattrack/render/math_types.hpp"

namespace splattrack::gs {

inline constexpr int kMaxShCoeffs = 16;
// The degree-0 basis value at full precision (1 / (2 sqrt(pi))): the colour
// conversions below work in their caller's precision.
inline constexpr double kShC0Exact = 0.28209479177387814;
inline constexpr float kShC0 = static_cast<float>(kShC0Exact);
inline constexpr float kShC1 = 0.4886025119029199f;
inline constexpr float kShC2a = 1.0925484305920792f;
inline constexpr float kShC2b = 0.31539156525252005f;
inline constexpr float kShC2c = 0.5462742152960396f;
inline constexpr float kShC3a = 0.5900435899266435f;
inline constexpr float kShC3b = 2.890611442640554f;
inline constexpr float kShC3c = 0.4570457994644658f;
inline constexpr float kShC3d = 0.3731763325901154f;
inline constexpr float kShC3e = 1.445305721320277f;
// Colour = SH + kShOffset, so that zero coefficients give mid grey.
inline constexpr float kShOffset = 0.5f;

// The degree-0 coefficient of a Gaussian showing `colour` (0..1) from every
// direction: colour = kShC0 · dc + kShOffset (METHOD.md §2), in T's
// precision: the one formula for every model maker and reader.
template <class T>
ST_HDI T sh_dc_from_colour(T colour) {
  return (colour - T(kShOffset)) / T(kShC0Exact);
}

// basis[(degree+1)^2] at the unit direction d.
template <class T>
ST_HDI void sh_basis(int degree, Vec3<T> d, T* basis) {
  basis[0] = T{} + kShC0;
  if (degree < 1) return;
  const T x = d.x, y = d.y, z = d.z;
  basis[1] = -kShC1 * y;
  basis[2] = kShC1 * z;
  basis[3] = -kShC1 * x;
  if (degree < 2) return;
  const T xx = x * x, yy = y * y, zz = z * z;
  basis[4] = kShC2a * x * y;
  basis[5] = -kShC2a * y * z;
  basis[6] = kShC2b * (2.f * zz - xx - yy);
  basis[7] = -kShC2a * x * z;
  basis[8] = kShC2c * (xx - yy);
  if (degree < 3) return;
  basis[9] = -kShC3a * y * (3.f * xx - yy);
  basis[10] = kShC3b * x * y * z;
  basis[11] = -kShC3c * y * (4.f * zz - xx - yy);
  basis[12] = kShC3d * z * (2.f * zz - 3.f * xx - 3.f * yy);
  basis[13] = -kShC3c * x * (4.f * zz - xx - yy);
  basis[14] = kShC3e * z * (xx - yy);
  basis[15] = -kShC3a * x * (xx - 3.f * yy);
}

// dL/dd given dL/dbasis (the direction is treated as free, not unit).
template <class T>
ST_HDI Vec3<T> sh_basis_vjp(int degree, Vec3<T> d, const T* db) {
  Vec3<T> g{T{}, T{}, T{}};
  if (degree < 1) return g;
  const T x = d.x, y = d.y, z = d.z;
  g.x += -kShC1 * db[3];
  g.y += -kShC1 * db[1];
  g.z += kShC1 * db[2];
  if (degree < 2) return g;
  const T xx = x * x, yy = y * y, zz = z * z;
  g.x += kShC2a * y * db[4] - 2.f * kShC2b * x * db[6] - kShC2a * z * db[7] +
         2.f * kShC2c * x * db[8];
  g.y += kShC2a * x * db[4] - kShC2a * z * db[5] - 2.f * kShC2b * y * db[6] -
         2.f * kShC2c * y * db[8];
  g.z += -kShC2a * y * db[5] + 4.f * kShC2b * z * db[6] - kShC2a * x * db[7];
  if (degree < 3) return g;
  g.x += -kShC3a * 6.f * x * y * db[9] + kShC3b * y * z * db[10] +
         kShC3c * 2.f * x * y * db[11] - kShC3d * 6.f * x * z * db[12] -
         kShC3c * (4.f * zz - 3.f * xx - yy) * db[13] + kShC3e * 2.f * x * z * db[14] -
         kShC3a * 3.f * (xx - yy) * db[15];
  g.y += -kShC3a * 3.f * (xx - yy) * db[9] + kShC3b * x * z * db[10] -
         kShC3c * (4.f * zz - xx - 3.f * yy) * db[11] - kShC3d * 6.f * y * z * db[12] +
         kShC3c * 2.f * x * y * db[13] - kShC3e * 2.f * y * z * db[14] +
         kShC3a * 6.f * x * y * db[15];
  g.z += kShC3b * x * y * db[10] - kShC3c * 8.f * y * z * db[11] +
         kShC3d * (6.f * zz - 3.f * xx - 3.f * yy) * db[12] - kShC3c * 8.f * x * z * db[13] +
         kShC3e * (xx - yy) * db[14];
  return g;
}

// SH value per channel before the offset and clamp; coeffs [K, 3].
template <class T>
ST_HDI Vec3<T> sh_raw_color(int degree, const T* coeffs, Vec3<T> dir) {
  T basis[kMaxShCoeffs];
  sh_basis(degree, dir, basis);
  Vec3<T> c{T{}, T{}, T{}};
  const int k_count = (degree + 1) * (degree + 1);
  for (int k = 0; k < k_count; ++k) {
    c.x += basis[k] * coeffs[3 * k];
    c.y += basis[k] * coeffs[3 * k + 1];
    c.z += basis[k] * coeffs[3 * k + 2];
  }
  return c;
}

// rgb = max(SH(dir) + 0.5, 0).
template <class T>
ST_HDI Vec3<T> sh_to_color(int degree, const T* coeffs, Vec3<T> dir) {
  const Vec3<T> c = sh_raw_color(degree, coeffs, dir);
  return {max_v(c.x + kShOffset, T{}), max_v(c.y + kShOffset, T{}), max_v(c.z + kShOffset, T{})};
}

// Backward of sh_to_color: writes dL/dcoeffs [K, 3] when d_coeffs is not
// null and returns dL/ddir. Clamped channels pass no gradient.
template <class T>
ST_HDI Vec3<T> sh_to_color_vjp(int degree, const T* coeffs, Vec3<T> dir, Vec3<T> d_color,
                               T* d_coeffs) {
  const Vec3<T> raw = sh_raw_color(degree, coeffs, dir);
  const Vec3<T> dc{select(raw.x + kShOffset < 0.f, T{}, d_color.x),
                   select(raw.y + kShOffset < 0.f, T{}, d_color.y),
                   select(raw.z + kShOffset < 0.f, T{}, d_color.z)};
  T basis[kMaxShCoeffs];
  T d_basis[kMaxShCoeffs]{};  // zeroed: GCC cannot see that degree >= 1 fills what sh_basis_vjp reads
  sh_basis(degree, dir, basis);
  const int k_count = (degree + 1) * (degree + 1);
  for (int k = 0; k < k_count; ++k) {
    if (d_coeffs) {
      d_coeffs[3 * k] = basis[k] * dc.x;
      d_coeffs[3 * k + 1] = basis[k] * dc.y;
      d_coeffs[3 * k + 2] = basis[k] * dc.z;
    }
    d_basis[k] = coeffs[3 * k] * dc.x + coeffs[3 * k + 1] * dc.y + coeffs[3 * k + 2] * dc.z;
  }
  return sh_basis_vjp(degree, dir, d_basis);
}

}  // namespace splattrack::gs
