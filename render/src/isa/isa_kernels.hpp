// The kernels of one instruction-set build; ST_ISA (the namespace) comes
// from the build (render/CMakeLists.txt).
#pragma once

#include "../kernels.hpp"

namespace splattrack::cpu::ST_ISA {

void build_batch_lists(TileEntry* entries, int begin, int end, const TileSplat* splats,
                       const float* reach, int x0, int y0, TileSplat* tile_splats, int first,
                       int* offsets, int* items);
void rasterize_tile_forward(const RasterInput& in, int tile, const ForwardOutput& out);
void rasterize_tile_backward(const RasterInput& in, const BackwardInput& grad_in, int tile,
                             bool appearance, SplatGrad* slots, std::vector<SplatGrad>& scratch);
void project_gaussians(const GaussianModel& model, const gs::View& view, int width, int height,
                       std::size_t begin, std::size_t end, const ProjectedSplats& out);
void backpropagate_gaussians(const GaussianModel& model, const gs::View& view,
                             const SlotSums& sums, bool appearance, std::size_t begin,
                             std::size_t end, GaussianGradients& grads);
void rasterize_tile_tangent(const RasterInput& in, const TangentPass& pass, int tile);
void project_tangents(const GaussianModel& model, const gs::View& view, const int* rank_of,
                      const ModelTangent* tangents, int count, std::size_t begin, std::size_t end,
                      SplatTangent* out, float* opacity_out);

}  // namespace splattrack::cpu::ST_ISA
