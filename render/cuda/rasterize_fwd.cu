// Rasterize stage, forward: per pixel, C = sum c_i alpha_i T_i + T_final
// background, alpha = 1 - T_final, depth = sum z_i alpha_i T_i (blend.hpp).
// Grid: one block per tile, 16 x 16 threads.
#include "rasterize.hpp"
#include "rasterize_walk.cuh"

namespace splattrack::cuda {
namespace {

__global__ void __launch_bounds__(kTilePixels) rasterize_fwd_kernel(TileLists t, Images out) {
  const Pixel px = this_pixel(t);
  float r = 0.f, g = 0.f, b = 0.f, depth = 0.f;
  const float trans = walk_tile(t, px, [&](int, const Splat& s, const gs::PixelEval<float>& e,
                                           const gs::PixelBlend<float>& bl, float tr) {
    if (!bl.take) return;
    // Fused as the CPU's fma8 is.
    const float w = e.alpha * tr;
    r = fmaf(w, s.color.x, r);
    g = fmaf(w, s.color.y, g);
    b = fmaf(w, s.color.z, b);
    depth = fmaf(w, s.depth, depth);
  });
  if (px.index < 0) return;
  const int p = px.index;
  out.rgb[3 * p] = r + trans * t.background.x;
  out.rgb[3 * p + 1] = g + trans * t.background.y;
  out.rgb[3 * p + 2] = b + trans * t.background.z;
  out.alpha[p] = 1.f - trans;
  out.depth[p] = depth;
  out.transmittance[p] = trans;
}

}  // namespace

void rasterize_fwd(const TileLists& lists, const Images& out, void* stream) {
  const dim3 grid(static_cast<unsigned>(lists.tiles_x), static_cast<unsigned>(lists.tiles_y));
  const dim3 block(gs::kTileSize, gs::kTileSize);
  rasterize_fwd_kernel<<<grid, block, 0, as_stream(stream)>>>(lists, out);
  check_last("rasterize_fwd");
}

}  // namespace splattrack::cuda
