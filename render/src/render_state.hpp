// Internal: what a RenderPass owns and what its Renderer keeps between
// passes (render.hpp).
#pragma once

#include <memory>
#include <vector>

#include "raster.hpp"
#include "splat_setup.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack {

// Every buffer of one forward() and its backward() / jvp(). A renderer
// takes the buffers back when a pass ends and hands them to the next
// forward(), so that their capacity carries over.
struct RenderPassState {
  const GaussianModel* model = nullptr;  // what was rendered (never null in a live pass)
  std::size_t gaussians = 0;  // N at forward()
  Camera camera;
  RenderOptions options;  // as at forward()
  gs::View view{};

  cpu::SplatFrame frame;  // projection, depth order, tile lists
  RenderImage image;
  std::vector<float> transmittance;                // [H, W] final T, for backward()
  std::vector<cpu::SplatGrad> slots;               // [E] per (splat, tile) entry, by backward()
  GaussianGradients grads;                         // by backward()
  std::vector<cpu::SplatTangent> splat_tangents;   // [N, K] by jvp()
  std::vector<float> opacity_tangents;             // [N, K] by jvp() for antialiased models, else empty
  std::vector<RenderTangent> tangent_images;       // [K] by jvp()
  // With RenderOptions::cuda: this pass's device buffers (the CPU ones above
  // stay empty but for `image`).
  std::unique_ptr<CudaRenderer> cuda;

  cpu::RasterInput raster_input() const {
    return {frame.entries.data(),
            frame.tile_splats.data(),
            frame.tile_offsets.data(),
            frame.batch_offsets.data(),
            frame.items.data(),
            frame.width,
            frame.height,
            frame.tiles_x,
            {options.background[0], options.background[1], options.background[2]}};
  }
};

struct Renderer::Impl {
  ExecutionContext* context;
  RenderOptions options;
  std::vector<std::vector<cpu::SplatGrad>> scratch;  // [threads][largest tile's entries] for backward()
  std::unique_ptr<RenderPassState> spare;            // the buffers of the last pass that ended

  Impl(ExecutionContext& c, const RenderOptions& o) : context(&c), options(o), scratch(c.size()) {}
};

}  // namespace splattrack
