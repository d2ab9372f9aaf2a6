#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels.hpp"
#include "render_state.hpp"
#include "view_setup.hpp"

namespace splattrack {
namespace {

// Projects, sorts and bins, then rasterizes every tile into s.
void render_into(ExecutionContext& context, RenderPassState& s) {
  const int w = s.camera.width, h = s.camera.height;
  s.view = make_view(s.camera, s.options, s.model->antialiased);
  if (s.options.cuda) {
    if (!s.cuda) s.cuda = std::make_unique<CudaRenderer>(s.options);
    s.cuda->set_options(s.options);
    s.image = s.cuda->forward(*s.model, s.camera);
    return;
  }
  s.cuda.reset();  // a reused pass's, from before the options changed
  cpu::build_splat_frame(*s.model, s.view, w, h, context, s.frame);

  RenderImage& img = s.image;
  img.width = w;
  img.height = h;
  const std::size_t pixels = static_cast<std::size_t>(w) * h;
  img.rgb.resize(pixels * 3);
  img.alpha.resize(pixels);
  img.depth.resize(pixels);
  s.transmittance.resize(pixels);
  const cpu::RasterInput in = s.raster_input();
  const cpu::ForwardOutput out{img.rgb.data(), img.alpha.data(), img.depth.data(), s.transmittance.data()};
  context.run(s.frame.tile_count(), [&](int tile, int) {
    cpu::build_tile_lists(s.frame, tile);
    cpu::kernels().rasterize_tile_forward(in, tile, out);
  });
}

}  // namespace

Renderer::Renderer(ExecutionContext& context, RenderOptions options) {
  check_options(options);
  if (options.cuda && !cuda_device().available) throw std::runtime_error(cuda_device().reason);
  impl_ = std::make_unique<Impl>(context, options);
}

Renderer::~Renderer() = default;

const RenderOptions& Renderer::options() const { return impl_->options; }

void Renderer::set_options(const RenderOptions& options) {
  check_options(options);
  if (options.cuda && !cuda_device().available) throw std::runtime_error(cuda_device().reason);
  impl_->options = options;
}

RenderPass Renderer::forward(const GaussianModel& model, const Camera& camera) {
  check_inputs(model, camera);
  std::unique_ptr<RenderPassState> s = std::move(impl_->spare);
  if (!s) s = std::make_unique<RenderPassState>();
  s->model = &model;
  s->gaussians = model.size();
  s->camera = camera;
  s->options = impl_->options;
  render_into(*impl_->context, *s);
  return RenderPass(*this, std::move(s));
}

}  // namespace splattrack
