#include <algorithm>

#include "../simd.hpp"
#include "batch_walk.hpp"
#include "isa_kernels.hpp"

// Forward mode through the blending of one tile: the forward's walk, with the
// tangents of T and of the colour carried along for each direction. Per
// pixel, front to back (gs:: *_jvp in blend.hpp):
//   d alpha_i = alpha_i d power_i + g_i d opacity_i (none when clamped at 0.99),
//   dC += dc_i alpha_i T_i + c_i d(alpha_i T_i),  dT_{i+1} = d next_transmittance,
// and at the end d rgb = dC + dT_final background, d alpha = -dT_final.
// Skipped and stopped splats change nothing, as in the forward.

namespace splattrack::cpu::ST_ISA {
namespace {

// kOpacity: the splats' opacities have tangents (antialiased models); the
// classic render's walk keeps its one term.
template <bool kOpacity>
void tangent_tile(const RasterInput& in, const TangentPass& pass, int tile) {
  const int x0 = (tile % in.tiles_x) * kTile;
  const int y0 = (tile / in.tiles_x) * kTile;
  const int* offsets = in.batch_offsets + tile * (kBatches + 1);
  const int count = std::min(pass.count, kMaxTangentsPerPass);
  for (int b = 0; b < kBatches; ++b) {
    const Batch bt = batch_at(b, x0, y0, in.width, in.height);
    if (all(bt.outside)) continue;
    f8 d_trans[kMaxTangentsPerPass] = {};
    gs::Vec3<f8> d_rgb[kMaxTangentsPerPass] = {};
    walk_batch(
        in, offsets, b, bt,
        [&](int entry, const TileSplat& s, const Eval& e, const Blend& bl, f8 trans)
            __attribute__((always_inline)) {
              // Most (splat, batch) pairs blend at no pixel; the transparent
              // entry (no Gaussian) never does.
              if (!any(bl.take)) return;
              const std::size_t at = static_cast<std::size_t>(in.entries[entry].gaussian) * pass.stride;
              const SplatTangent* ds = pass.splats + at;
              [[maybe_unused]] const float* d_opacity = kOpacity ? pass.opacity + at : nullptr;
              const f8 w = select(bl.take, e.alpha * trans, f8{});
              const gs::PowerGrad<f8> partials =
                  gs::gaussian_power_vjp(s.conic, e.dx, e.dy, broadcast(1.f));
              for (int k = 0; k < count; ++k)
                gs::pixel_tangent<kOpacity>(e, bl.take, trans, w, partials, ds[k].mean2d, ds[k].conic,
                                            ds[k].color, kOpacity ? d_opacity[k] : 0.f, s.color, d_trans[k],
                                            d_rgb[k]);
            });
    for (int l = 0; l < kLanes; ++l) {
      const int p = lane_pixel(bt, l, in.width, in.height);
      if (p < 0) continue;
      for (int k = 0; k < count; ++k) {
        const float dt = d_trans[k][l];
        pass.rgb[k][3 * p] = d_rgb[k].x[l] + dt * in.background.x;
        pass.rgb[k][3 * p + 1] = d_rgb[k].y[l] + dt * in.background.y;
        pass.rgb[k][3 * p + 2] = d_rgb[k].z[l] + dt * in.background.z;
        pass.alpha[k][p] = -dt;
      }
    }
  }
}

}  // namespace

void rasterize_tile_tangent(const RasterInput& in, const TangentPass& pass, int tile) {
  if (pass.opacity)
    tangent_tile<true>(in, pass, tile);
  else
    tangent_tile<false>(in, pass, tile);
}

}  // namespace splattrack::cpu::ST_ISA
