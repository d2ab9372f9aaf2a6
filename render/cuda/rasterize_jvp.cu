// Rasterize stage, forward mode: the forward's walk with the tangents of T
// and of the colour carried along for each direction (the CPU's
// tangent_raster.cpp, blend.hpp's *_jvp):
//   d alpha_i = alpha_i d power_i + g_i d opacity_i (none when clamped at 0.99),
//   dC += dc_i alpha_i T_i + c_i d(alpha_i T_i),  dT_{i+1} = d next_transmittance,
// and at the end d rgb = dC + dT_final background, d alpha = -dT_final.
#include "rasterize.hpp"
#include "rasterize_walk.cuh"

namespace splattrack::cuda {
namespace {

__global__ void __launch_bounds__(kTilePixels) rasterize_jvp_kernel(TileLists t, TangentImages out) {
  const Pixel px = this_pixel(t);
  float d_trans[kMaxTangents] = {}, d_r[kMaxTangents] = {}, d_g[kMaxTangents] = {}, d_b[kMaxTangents] = {};
  const int count = min(out.count, kMaxTangents);
  walk_tile(t, px, [&](int id, const Splat& s, const gs::PixelEval<float>& e, const gs::PixelBlend<float>& bl,
                       float tr) {
    if (!bl.take) return;
    const SplatTangent* ds = out.splats + static_cast<long long>(id) * out.count;
    const float w = e.alpha * tr;
    const gs::PowerGrad<float> partials = gs::gaussian_power_vjp(s.conic, e.dx, e.dy, 1.f);
    for (int k = 0; k < count; ++k) {
      const float d_power = gs::gaussian_power_jvp(partials, ds[k].mean2d, ds[k].conic);
      const float d_alpha = out.opacity ? gs::splat_alpha_jvp(e.raw, e.g, d_power, ds[k].opacity)
                                        : gs::splat_alpha_jvp(e.raw, d_power);
      const float d_w = gs::blend_weight_jvp(tr, e.alpha, d_trans[k], d_alpha);
      d_r[k] += w * ds[k].color.x + d_w * s.color.x;
      d_g[k] += w * ds[k].color.y + d_w * s.color.y;
      d_b[k] += w * ds[k].color.z + d_w * s.color.z;
      d_trans[k] = gs::next_transmittance_jvp(tr, e.alpha, d_trans[k], d_alpha);
    }
  });
  if (px.index < 0) return;
  const int p = px.index;
  for (int k = 0; k < count; ++k) {
    out.rgb[k][3 * p] = d_r[k] + d_trans[k] * t.background.x;
    out.rgb[k][3 * p + 1] = d_g[k] + d_trans[k] * t.background.y;
    out.rgb[k][3 * p + 2] = d_b[k] + d_trans[k] * t.background.z;
    out.alpha[k][p] = -d_trans[k];
  }
}

}  // namespace

void rasterize_jvp(const TileLists& lists, const TangentImages& out, void* stream) {
  if (out.count == 0) return;
  const dim3 grid(static_cast<unsigned>(lists.tiles_x), static_cast<unsigned>(lists.tiles_y));
  const dim3 block(gs::kTileSize, gs::kTileSize);
  rasterize_jvp_kernel<<<grid, block, 0, as_stream(stream)>>>(lists, out);
  check_last("rasterize_jvp");
}

}  // namespace splattrack::cuda
