// Rasterize stage, forward mode: the forward's walk with the tangents of T
// and of the colour carried along for each direction (gs::pixel_tangent, as
// the CPU's tangent_raster.cpp):
//   d alpha_i = alpha_i d power_i + g_i d opacity_i (none when clamped at 0.99),
//   dC += dc_i alpha_i T_i + c_i d(alpha_i T_i),  dT_{i+1} = d next_transmittance,
// and at the end d rgb = dC + dT_final background, d alpha = -dT_final.
#include "rasterize.hpp"
#include "rasterize_walk.cuh"

namespace splattrack::cuda {
namespace {

__global__ void __launch_bounds__(kTilePixels) rasterize_jvp_kernel(TileLists t, TangentImages out) {
  const Pixel px = this_pixel(t);
  float d_trans[kMaxTangents] = {};
  gs::Vec3f d_rgb[kMaxTangents] = {};
  const int count = min(out.count, kMaxTangents);
  walk_tile(t, px, [&](int id, const Splat& s, const gs::PixelEval<float>& e, const gs::PixelBlend<float>& bl,
                       float tr) {
    if (!bl.take) return;
    const SplatTangent* ds = out.splats + static_cast<long long>(id) * out.count;
    const float w = e.alpha * tr;
    const gs::PowerGrad<float> partials = gs::gaussian_power_vjp(s.conic, e.dx, e.dy, 1.f);
    for (int k = 0; k < count; ++k) {
      if (out.opacity)
        gs::pixel_tangent<true>(e, true, tr, w, partials, ds[k].mean2d, ds[k].conic, ds[k].color, ds[k].opacity,
                                s.color, d_trans[k], d_rgb[k]);
      else
        gs::pixel_tangent<false>(e, true, tr, w, partials, ds[k].mean2d, ds[k].conic, ds[k].color, 0.f, s.color,
                                 d_trans[k], d_rgb[k]);
    }
  });
  if (px.index < 0) return;
  const int p = px.index;
  for (int k = 0; k < count; ++k) {
    out.rgb[k][3 * p] = d_rgb[k].x + d_trans[k] * t.background.x;
    out.rgb[k][3 * p + 1] = d_rgb[k].y + d_trans[k] * t.background.y;
    out.rgb[k][3 * p + 2] = d_rgb[k].z + d_trans[k] * t.background.z;
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
