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
#include <cstdint>
#include <cstring>

#include "splattrack/render/gaussian_math.hpp"

namespace splattrack::gs {

inline constexpr int kTileSize = 16;
inline constexpr float kMaxAlpha = 0.99f;
inline constexpr float kMinAlpha = 1.f / 255.f;
inline constexpr float kMinTransmittance = 1e-4f;

// A splat's camera depth as a sort key whose unsigned order is numeric
// order (the depth sort of the CPU and the GPU's radix sort alike).
ST_HDI std::uint32_t depth_key(float z) {
  std::uint32_t b;
  std::memcpy(&b, &z, sizeof b);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
// The key of a culled Gaussian: after every depth (> 0) in sorted order.
inline constexpr std::uint32_t kCulledKey = 0xFFFFFFFFu;

// A splat as both back ends' pixel walks read it.
struct ScreenSplat {
  Vec2f mean2d;
  Sym2f conic;
  float opacity;
  Vec3f color;
  float depth;
};

// dL w.r.t. a splat's blending inputs, summed over pixels.
struct ScreenSplatGrad {
  float mean_x, mean_y;
  float conic_a, conic_b, conic_c;
  float opacity;
  float r, g, b;
};

// Forward-mode directions one walk over a tile's splats carries (the CPU's
// and the GPU's walks keep their tangents in registers).
inline constexpr int kMaxTangentsPerWalk = 6;

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

// ---- one splat at one pixel: the walk's step ---------------------------------
// The CPU calls these per SIMD batch (T a vector of pixels), the GPU per
// thread (T = float), so that both take the same skip and stop decisions.
// Split in the part that does not depend on the pixel's state (evaluate) and
// the part that does (blend). `exp` is the back end's exp for power <= 0
// (power > 0 is skipped whatever it gives).

template <class T>
struct PixelEval {
  T dx, dy;  // mean2d - pixel
  T g;       // exp(power)
  T raw;     // opacity g, before the 0.99 clamp
  T alpha;
  MaskOf<T> skip;  // power > 0 or alpha < 1/255
};

template <class T, class Exp>
ST_HDI PixelEval<T> pixel_evaluate(Vec2f mean2d, const Sym2f& conic, float opacity, T px, T py, Exp exp) {
  PixelEval<T> e;
  e.dx = mean2d.x - px;
  e.dy = mean2d.y - py;
  const T power = gaussian_power(conic, e.dx, e.dy);
  e.g = exp(power);
  e.raw = splat_alpha_raw(opacity, e.g);
  e.alpha = clamp_alpha(e.raw);
  e.skip = splat_skipped(power, e.alpha);
  return e;
}

template <class T>
struct PixelBlend {
  T next_trans;        // T (1 - alpha)
  MaskOf<T> take;      // blends this splat
};

// `done`: the pixel has stopped (in: before this splat; out: after it).
template <class T>
ST_HDI PixelBlend<T> pixel_blend(const PixelEval<T>& e, T trans, MaskOf<T>& done) {
  const MaskOf<T> skip = mask_or(e.skip, done);
  PixelBlend<T> b;
  b.next_trans = next_transmittance(trans, e.alpha);
  const MaskOf<T> stop = mask_and(MaskOf<T>(stops_before(b.next_trans)), mask_not(skip));
  done = mask_or(done, stop);
  b.take = mask_not(mask_or(skip, stop));
  return b;
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

// One blended splat's part of the backward at one pixel, front to back (the
// walk's step's twin, for both back ends): color_grad = sum_ch dL/dC_ch c_ch,
// rest = K (blend_alpha_grad), prefix = P before this splat (updated).
// `fma`: the back end's fused multiply-add (the prefix's rounding must not
// depend on the compiler's contraction). Zero where the splat is not taken.
template <class T>
struct PixelGrad {
  T w;                 // alpha T: the colour's gradient is dL/dC w
  PowerGrad<T> power;  // dL/d(mean2d, conic)
  T opacity;           // dL/dopacity
};

template <class T, class Fma>
ST_HDI PixelGrad<T> pixel_backward(const PixelEval<T>& e, const PixelBlend<T>& b, const Sym2f& conic, T trans,
                                   T color_grad, T rest, T& prefix, Fma fma) {
  PixelGrad<T> g;
  g.w = select(b.take, e.alpha * trans, T{});
  prefix = fma(g.w, color_grad, prefix);
  const T d_alpha = select(b.take, blend_alpha_grad(trans, e.alpha, color_grad, rest - prefix), T{});
  const MaskOf<T> unclamped = e.raw < kMaxAlpha;
  g.power = gaussian_power_vjp(conic, e.dx, e.dy, select(unclamped, d_alpha * e.raw, T{}));
  g.opacity = select(unclamped, d_alpha * e.g, T{});
  return g;
}

// ---- forward mode: tangents of the per-pixel quantities above ---------------

// Tangent of gaussian_power along tangents of mean2d and conic (the pixel is
// fixed), from its partials: gaussian_power_vjp with d_power = 1, evaluated
// once per pixel for all directions.
template <class T>
ST_HDI T gaussian_power_jvp(const PowerGrad<T>& partials, const Vec2f& d_mean, const Sym2f& d_conic) {
  return partials.mean_x * d_mean.x + partials.mean_y * d_mean.y + partials.conic_a * d_conic.a +
         partials.conic_b * d_conic.b + partials.conic_c * d_conic.c;
}

// Tangent of clamp_alpha(splat_alpha_raw(opacity, g)): raw d_power + g
// d_opacity, none when clamped; without an opacity tangent (classic
// render), raw d_power.
template <class T>
ST_HDI T splat_alpha_jvp(T raw, T g, T d_power, T d_opacity) {
  return select(raw < kMaxAlpha, raw * d_power + g * d_opacity, T{});
}
template <class T>
ST_HDI T splat_alpha_jvp(T raw, T d_power) {
  return select(raw < kMaxAlpha, raw * d_power, T{});
}

// Tangent of a splat's blending weight alpha T.
template <class T>
ST_HDI T blend_weight_jvp(T transmittance, T alpha, T d_transmittance, T d_alpha) {
  return d_alpha * transmittance + alpha * d_transmittance;
}

// Tangent of next_transmittance.
template <class T>
ST_HDI T next_transmittance_jvp(T transmittance, T alpha, T d_transmittance, T d_alpha) {
  return d_transmittance * (1.f - alpha) - transmittance * d_alpha;
}

// One direction's tangents at one pixel through a splat the walk took or
// not (`take`): adds to the colour's tangent d_rgb and moves T's, d_trans.
// w = alpha T, partials = gaussian_power_vjp with d_power = 1; d_opacity only
// with kOpacity (antialiased models).
template <bool kOpacity, class T>
ST_HDI void pixel_tangent(const PixelEval<T>& e, MaskOf<T> take, T trans, T w, const PowerGrad<T>& partials,
                          const Vec2f& d_mean, const Sym2f& d_conic, const Vec3f& d_color, float d_opacity,
                          const Vec3f& color, T& d_trans, Vec3<T>& d_rgb) {
  const T d_power = gaussian_power_jvp(partials, d_mean, d_conic);
  T d_alpha;
  if constexpr (kOpacity)
    d_alpha = splat_alpha_jvp(e.raw, e.g, d_power, T{} + d_opacity);
  else
    d_alpha = splat_alpha_jvp(e.raw, d_power);
  d_alpha = select(take, d_alpha, T{});
  const T d_w = select(take, blend_weight_jvp(trans, e.alpha, d_trans, d_alpha), T{});
  d_rgb.x += w * d_color.x + d_w * color.x;
  d_rgb.y += w * d_color.y + d_w * color.y;
  d_rgb.z += w * d_color.z + d_w * color.z;
  d_trans = select(take, next_transmittance_jvp(trans, e.alpha, d_trans, d_alpha), d_trans);
}

// Inclusive pixel rectangle; empty when x0 > x1 or y0 > y1. I: int or a
// vector of ints (one rectangle per lane).
template <class I>
struct PixelRect {
  I x0, y0, x1, y1;
};

// Pixel centres (integers) in [lo, hi] inside [0, size).
template <class T>
ST_HDI void pixel_span(T lo, T hi, int size, IntOf<T>& first, IntOf<T>& last) {
  // Clamp in float first so that the int conversion stays defined.
  const T low = T{} - 1.f, edge = T{} + static_cast<float>(size);
  first = max_v(Ops<T>::to_int(Ops<T>::ceil(min_v(max_v(lo, low), edge))), IntOf<T>{});
  last = min_v(Ops<T>::to_int(Ops<T>::floor(min_v(max_v(hi, low), edge))), IntOf<T>{} + (size - 1));
}

static_assert((kTileSize & (kTileSize - 1)) == 0, "tile spans use bit masks");

// A bound t_safe with alpha < 1/255 wherever d^T conic d > t_safe; <= 0 when
// no pixel can reach 1/255. Exactly, alpha >= 1/255 needs d^T conic d <= t
// = 2 ln(255 opacity); the margins cover float rounding: the conic of an
// elongated cov2d is off by a relative ~1e-7 kappa (kappa = trace^2 / det),
// and the per-pixel power and exp are rounded too, hence t (1.02 + 4e-7
// kappa) + 0.02.
template <class T>
ST_HDI T alpha_reach(T opacity, const Sym2<T>& cov) {
  const T det = cov.a * cov.c - cov.b * cov.b;
  const T trace = cov.a + cov.c;
  const T t = 2.f * Ops<T>::log(255.f * opacity);
  return t * (1.02f + 4e-7f * (trace * trace / det)) + 0.02f;
}

// The x range [lo, hi] of pixels where alpha >= 1/255 is possible in the
// rows at offsets dy = mean2d.y - y (T: one row per lane); lo > hi where
// none is. reach = alpha_reach; 0.02 px margin as in splat_pixel_rect.
template <class T>
ST_HDI void splat_row_span(float mean_x, const Sym2f& conic, float reach, T dy, T& lo, T& hi) {
  const float det = conic.a * conic.c - conic.b * conic.b;
  const T disc = reach * conic.a - det * dy * dy;
  const T root = Ops<T>::sqrt(max_v(disc, T{}));
  const float inv_a = 1.f / conic.a;
  const T centre = mean_x + conic.b * dy * inv_a;  // d = mean - pixel
  const T half = root * inv_a * 1.001f + 0.02f;
  lo = select(disc < 0.f, T{} + 1e30f, centre - half);
  hi = select(disc < 0.f, T{} - 1e30f, centre + half);
}

// The pixels a splat is blended at. The listing rule (this is the semantics,
// what a brute-force reference must reproduce): the splat is listed in every
// 16x16 tile that holds a pixel centre inside the square mean2d +- radius, and
// is evaluated at every pixel of those tiles. The rectangle returned is that
// tile span cut down to the box of the ellipse outside which alpha < 1/255
// for sure, so the pixels it drops would all be skipped anyway: the image is
// the same, the work less.
//
// The bound is alpha_reach's (the box uses cov2d, the conic's inverse), and
// 0.02 px more for the rounding of pixel offsets.
template <class T>
ST_HDI PixelRect<IntOf<T>> splat_pixel_rect(const ProjectedGaussian<T>& s, int width,
                                            int height) {
  using I = IntOf<T>;
  const T rad = Ops<T>::to_float(s.radius);
  PixelRect<I> list;
  pixel_span(s.mean2d.x - rad, s.mean2d.x + rad, width, list.x0, list.x1);
  pixel_span(s.mean2d.y - rad, s.mean2d.y + rad, height, list.y0, list.y1);
  const MaskOf<T> unlisted = mask_or(list.x0 > list.x1, list.y0 > list.y1);

  const Sym2<T>& cov = s.cov2d;
  const T t_safe = alpha_reach(s.opacity, cov);
  const MaskOf<T> invisible = mask_or(t_safe <= 0.f, cov.a * cov.c - cov.b * cov.b <= 0.f);
  const T reach = max_v(t_safe, T{});
  const T ex = Ops<T>::sqrt(reach * cov.a) * 1.001f + 0.02f;
  const T ey = Ops<T>::sqrt(reach * cov.c) * 1.001f + 0.02f;
  PixelRect<I> box;
  pixel_span(s.mean2d.x - ex, s.mean2d.x + ex, width, box.x0, box.x1);
  pixel_span(s.mean2d.y - ey, s.mean2d.y + ey, height, box.y0, box.y1);

  const MaskOf<T> empty = mask_or(unlisted, invisible);
  const I zero{}, minus_one = I{} - 1;
  return {select(empty, zero, max_v(list.x0 & ~(kTileSize - 1), box.x0)),
          select(empty, zero, max_v(list.y0 & ~(kTileSize - 1), box.y0)),
          select(empty, minus_one, min_v(list.x1 | (kTileSize - 1), box.x1)),
          select(empty, minus_one, min_v(list.y1 | (kTileSize - 1), box.y1))};
}

}  // namespace splattrack::gs
