// Rasterize stage, backward: the forward's walk again, front to back, each
// step gs::pixel_backward as on the CPU (blend.hpp's gs::blend_alpha_grad: dL/dalpha_i = T_i g_i -
// (K - P_i) / (1 - alpha_i), K = sum_ch dL/dC_ch C_ch - dL/dA T_final, P_i
// the running sum of g_j alpha_j T_j), with the per-Gaussian sums reduced
// over each warp's 32 pixels by shuffles and added once per warp.
#include "rasterize.hpp"
#include "rasterize_walk.cuh"

namespace splattrack::cuda {
namespace {

__device__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xFFFFFFFFu, v, offset);
  return v;
}

__global__ void __launch_bounds__(kTilePixels) rasterize_bwd_kernel(TileLists t, ImageGrads in, SplatGradSum* sums) {
  const Pixel px = this_pixel(t);
  float gr = 0.f, gg = 0.f, gb = 0.f, rest = 0.f;
  if (px.index >= 0) {
    const int p = px.index;
    if (in.dl_drgb) {
      gr = in.dl_drgb[3 * p];
      gg = in.dl_drgb[3 * p + 1];
      gb = in.dl_drgb[3 * p + 2];
      rest = gr * in.rgb[3 * p] + gg * in.rgb[3 * p + 1] + gb * in.rgb[3 * p + 2];
    }
    if (in.dl_dalpha) rest -= in.dl_dalpha[p] * in.transmittance[p];
  }
  float prefix = 0.f;
  const bool lane0 = (threadIdx.x + threadIdx.y * blockDim.x) % 32 == 0;
  walk_tile(t, px, [&](int id, const Splat& s, const gs::PixelEval<float>& e, const gs::PixelBlend<float>& bl,
                       float tr) {
    const float color_grad = fmaf(gr, s.color.x, fmaf(gg, s.color.y, gb * s.color.z));
    const gs::PixelGrad<float> pg = gs::pixel_backward(e, bl, s.conic, tr, color_grad, rest, prefix, DeviceFma{});
    const float v[kSplatGradFields] = {pg.power.mean_x, pg.power.mean_y, pg.power.conic_a, pg.power.conic_b,
                                       pg.power.conic_c, pg.opacity, gr * pg.w, gg * pg.w, gb * pg.w};
    // The warp walks the same splat: sum its pixels' parts, one add per field.
    if (!__any_sync(0xFFFFFFFFu, bl.take)) return;
    float* target = &sums[id].mean_x;
#pragma unroll
    for (int f = 0; f < kSplatGradFields; ++f) {
      const float total = warp_sum(v[f]);
      if (lane0) atomicAdd(target + f, total);
    }
  });
}

}  // namespace

void rasterize_bwd(const TileLists& lists, const ImageGrads& grads, SplatGradSum* sums, void* stream) {
  const dim3 grid(static_cast<unsigned>(lists.tiles_x), static_cast<unsigned>(lists.tiles_y));
  const dim3 block(gs::kTileSize, gs::kTileSize);
  rasterize_bwd_kernel<<<grid, block, 0, as_stream(stream)>>>(lists, grads, sums);
  check_last("rasterize_bwd");
}

}  // namespace splattrack::cuda
