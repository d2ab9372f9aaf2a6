// The SIMD kernels, built once per instruction set (render/src/isa/, see
// render/cmake/isa.cmake) and picked at run time (active_isa()). Results
// are the same for any thread count on one machine; the two builds may
// round differently (the x86-64-v3 one uses FMA).
#pragma once

#include <cstddef>

#include "gaussian_pass.hpp"
#include "raster.hpp"

namespace splattrack::cpu {

struct Kernels {
  // See raster.hpp.
  void (*build_batch_lists)(TileEntry* entries, int begin, int end, const TileSplat* splats,
                            const float* reach, int x0, int y0, TileSplat* tile_splats,
                            int first, int* offsets, int* items);
  void (*rasterize_tile_forward)(const RasterInput& in, int tile, const ForwardOutput& out);
  void (*rasterize_tile_backward)(const RasterInput& in, const BackwardInput& grad_in, int tile,
                                  bool appearance, SplatGrad* slots, std::vector<SplatGrad>& scratch);
  // See gaussian_pass.hpp.
  void (*project_gaussians)(const GaussianModel& model, const gs::View& view, int width,
                            int height, std::size_t begin, std::size_t end, const ProjectedSplats& out);
  void (*backpropagate_gaussians)(const GaussianModel& model, const gs::View& view,
                                  const SlotSums& sums, bool appearance, std::size_t begin,
                                  std::size_t end, GaussianGradients& grads);
  void (*rasterize_tile_tangent)(const RasterInput& in, const TangentPass& pass, int tile);
  void (*project_tangents)(const GaussianModel& model, const gs::View& view, const int* rank_of,
                           const ModelTangent* tangents, int count, std::size_t begin,
                           std::size_t end, SplatTangent* out, float* opacity_out);
};

// The build of active_isa().
const Kernels& kernels();

}  // namespace splattrack::cpu
