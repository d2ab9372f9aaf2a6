// Per-pixel math of the rasterizer (METHOD.md §2) and its backward, shared by
// the CPU and CUDA back ends. The per-pixel functions are templates on the
// scalar type T: float, or a GCC vector of floats whose lanes are pixels
// (comparisons then give lane masks).
//
// Per pixel, front to back over the splats listed for its tile:
//   d = mean2d - pixel centre, power = -1/2 d^T conic d,
//   alpha = min(0.99, opacity exp(power)); skipped if power > 0 or alpha < 1/255;
//   the pixel stops before a splat that would bring T (1 - alpha) below 1e-4;
//   C += colour alpha T, depth += z alpha T, T *= 1 - alpha.
#pragma once

#include <cmath>

#include "splattrack/render/gaussian_math.hpp"

namespace splattrack::gs {

inline constexpr int kTileSize = 16;
inline constexpr float kMaxAlpha = 0.99f;
inline constexpr float kMinAlpha = 1.f / 255.f;
inline constexpr float kMinTransmittance = 1e-4f;

template <class T>
ST_HDI T gaussian_power(const Sym2f& conic, T dx, T dy) {
  return -0.5f * (conic.a * dx * dx + conic.c * dy * dy) - conic.b * dx * dy;
}

// opacity * exp(power) before the 0.99 clamp; g = exp(power).
template <class T>
ST_HDI T splat_alpha_raw(float opacity, T g) {
  return opacity * g;
}

template <class T>
ST_HDI T clamp_alpha(T raw) {
  const T cap = T{} + kMaxAlpha;
  return raw < cap ? raw : cap;
}

template <class T>
ST_HDI auto splat_skipped(T power, T alpha) {
  return (power > 0.f) | (alpha < kMinAlpha);
}

template <class T>
ST_HDI T next_transmittance(T transmittance, T alpha) {
  return transmittance * (1.f - alpha);
}

template <class T>
ST_HDI auto stops_before(T next_transmittance) {
  return next_transmittance < kMinTransmittance;
}

// dL/dalpha_i of a splat that was blended, in front-to-back form:
//   transmittance = T_i, color_grad = sum_ch dL/dC_ch c_i,ch,
//   rest = K - P_i with K = sum_ch dL/dC_ch C_ch - dL/dA T_final (C the final
//   colour, background included; A = 1 - T_final) and
//   P_i = sum_{j <= i} color_grad_j alpha_j T_j.
template <class T>
ST_HDI T blend_alpha_grad(T transmittance, T alpha, T color_grad, T rest) {
  return transmittance * color_grad - rest / (1.f - alpha);
}

// dL/d(mean2d, conic) of one pixel given dL/dpower at that pixel.
template <class T>
struct PowerGrad {
  T mean_x, mean_y, conic_a, conic_b, conic_c;
};

template <class T>
ST_HDI PowerGrad<T> gaussian_power_vjp(const Sym2f& conic, T dx, T dy, T d_power) {
  return {-(conic.a * dx + conic.b * dy) * d_power, -(conic.b * dx + conic.c * dy) * d_power,
          -0.5f * dx * dx * d_power, -dx * dy * d_power, -0.5f * dy * dy * d_power};
}

// Inclusive pixel rectangle; empty when x0 > x1 or y0 > y1.
struct PixelRect {
  int x0, y0, x1, y1;
};

// Pixel centres (integers) in [lo, hi] inside [0, size).
ST_HDI void pixel_span(float lo, float hi, int size, int& first, int& last) {
  // Clamp in float first so that the int conversion stays defined.
  const float edge = static_cast<float>(size);
  first = static_cast<int>(ceilf(min_f(max_f(lo, -1.f), edge)));
  last = static_cast<int>(floorf(min_f(max_f(hi, -1.f), edge)));
  first = first < 0 ? 0 : first;
  last = last > size - 1 ? size - 1 : last;
}

// The pixels a splat is blended at. The listing rule (this is the semantics,
// what a brute-force reference must reproduce): the splat is listed in every
// 16x16 tile that holds a pixel centre inside the square mean2d +- radius, and
// is evaluated at every pixel of those tiles. The rectangle returned is that
// tile span cut down to the box of the ellipse outside which alpha < 1/255
// for sure (with margins for float rounding, see below), so the pixels it
// drops would all be skipped anyway: the image is the same, the work less.
ST_HDI PixelRect splat_pixel_rect(const ProjectedGaussian& s, int width, int height) {
  PixelRect r{0, 0, -1, -1};
  const float rad = static_cast<float>(s.radius);
  int x0, x1, y0, y1;
  pixel_span(s.mean2d.x - rad, s.mean2d.x + rad, width, x0, x1);
  pixel_span(s.mean2d.y - rad, s.mean2d.y + rad, height, y0, y1);
  if (x0 > x1 || y0 > y1) return r;
  x0 = x0 / kTileSize * kTileSize;
  y0 = y0 / kTileSize * kTileSize;
  x1 = x1 / kTileSize * kTileSize + kTileSize - 1;
  y1 = y1 / kTileSize * kTileSize + kTileSize - 1;

  // alpha >= 1/255 needs d^T conic d <= t = 2 ln(255 opacity). The margins
  // cover float rounding in the per-pixel evaluation: relative error of the
  // power grows with the conic's condition number kappa (cancellation), the
  // pixel offset is rounded to ~1e-7 of the coordinates. Exact products in
  // double keep the determinant of an elongated conic accurate.
  const double det = static_cast<double>(s.conic.a) * s.conic.c -
                     static_cast<double>(s.conic.b) * s.conic.b;
  if (!(det > 0.0)) return r;
  const double trace = static_cast<double>(s.conic.a) + s.conic.c;
  const double kappa = trace * trace / det;
  const double t = 2.0 * log(255.0 * s.opacity);
  const double t_safe = t * (1.02 + 4e-7 * kappa) + 0.02;
  if (!(t_safe > 0.0)) return r;
  const float ex = static_cast<float>(sqrt(t_safe * s.conic.c / det) * 1.001 + 0.02);
  const float ey = static_cast<float>(sqrt(t_safe * s.conic.a / det) * 1.001 + 0.02);
  int ax0, ax1, ay0, ay1;
  pixel_span(s.mean2d.x - ex, s.mean2d.x + ex, width, ax0, ax1);
  pixel_span(s.mean2d.y - ey, s.mean2d.y + ey, height, ay0, ay1);
  r.x0 = x0 > ax0 ? x0 : ax0;
  r.x1 = x1 < ax1 ? x1 : ax1;
  r.y0 = y0 > ay0 ? y0 : ay0;
  r.y1 = y1 < ay1 ? y1 : ay1;
  return r;
}

}  // namespace splattrack::gs
