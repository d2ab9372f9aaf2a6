// Projection stage, forward: per Gaussian, gs::project_gaussian (+ SH colour)
// and the pixel rectangle it is blended at, its depth key and the tiles it
// touches (for intersect.cu). One thread per Gaussian.
#include "kernel_util.cuh"
#include "project.hpp"

namespace splattrack::cuda {
namespace {

__global__ void project_fwd_kernel(ModelArrays model, gs::View view, int width, int height, Projected out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= model.count) return;
  gs::ProjectedGaussian<float> p;
  const bool visible = gs::project_gaussian(gaussian_at(model, i), view, p);
  const gs::PixelRect<int> r = gs::splat_pixel_rect(p, width, height);
  if (!visible || r.x0 > r.x1 || r.y0 > r.y1) {
    out.depth_keys[i] = kCulledKey;
    out.tiles_touched[i] = 0;
    return;
  }
  constexpr int kShift = 4;  // log2(kTileSize)
  static_assert(1 << kShift == gs::kTileSize);
  out.depth_keys[i] = gs::depth_key(p.depth);
  out.rects[i] = r;
  out.tiles_touched[i] = ((r.x1 >> kShift) - (r.x0 >> kShift) + 1) * ((r.y1 >> kShift) - (r.y0 >> kShift) + 1);
  out.splats[i] = {p.mean2d, p.conic, p.opacity, p.color, p.depth};
}

}  // namespace

void project_fwd(const ModelArrays& model, const gs::View& view, int width, int height, const Projected& out,
                 void* stream) {
  if (model.count == 0) return;
  project_fwd_kernel<<<blocks_for(model.count), kThreads, 0, as_stream(stream)>>>(model, view, width, height, out);
  check_last("project_fwd");
}

}  // namespace splattrack::cuda
