#include <algorithm>
#include <stdexcept>
#include <string>

#include "gaussian_pass.hpp"
#include "kernels.hpp"
#include "render_state.hpp"

namespace splattrack {
namespace {

int gaussian_tasks(std::size_t n) {
  return static_cast<int>((n + cpu::kGaussiansPerTask - 1) / cpu::kGaussiansPerTask);
}

// The model a pass reads again; its size is the one change that is cheap
// to catch (and the one that would read out of bounds).
const GaussianModel& unchanged_model(const RenderPassState& s, const char* what) {
  if (s.model->size() != s.gaussians || !s.model->consistent())
    throw std::logic_error(std::string(what) + ": the model changed since forward() (" +
                           std::to_string(s.gaussians) + " Gaussians then, " +
                           std::to_string(s.model->size()) + " now)");
  return *s.model;
}

// Sums each splat's per-tile slots in tile order (a fixed order, whatever the
// threads did) and carries the sum back to the model parameters. Tasks are
// multiples of the SIMD width, so lanes group the same way for any threads.
void reduce_and_backpropagate(ExecutionContext& context, const GaussianModel& md, RenderPassState& s) {
  const std::size_t n = md.size();
  GaussianGradients& grads = s.grads;
  grads.means.resize(n * 3);
  grads.quats.resize(n * 4);
  grads.log_scales.resize(n * 3);
  grads.opacity_logits.resize(n);
  grads.sh.resize(n * 3 * md.sh_coeffs());
  const cpu::SlotSums sums{s.frame.rank_of.data(), s.frame.slot_offsets.data(), s.slots.data()};
  context.run(gaussian_tasks(n), [&](int task, int) {
    const std::size_t begin = static_cast<std::size_t>(task) * cpu::kGaussiansPerTask;
    cpu::kernels().backpropagate_gaussians(md, s.view, sums, !s.options.pose_gradients_only, begin,
                                           std::min(n, begin + cpu::kGaussiansPerTask), grads);
  });
}

}  // namespace

RenderPass::RenderPass(Renderer& renderer, std::unique_ptr<RenderPassState> state)
    : renderer_(&renderer), state_(std::move(state)) {}

RenderPass::RenderPass(RenderPass&& other) noexcept = default;

RenderPass& RenderPass::operator=(RenderPass&& other) noexcept {
  if (this != &other) {
    if (state_) renderer_->impl_->spare = std::move(state_);
    renderer_ = other.renderer_;
    state_ = std::move(other.state_);
  }
  return *this;
}

RenderPass::~RenderPass() {
  if (state_) renderer_->impl_->spare = std::move(state_);
}

RenderPassState& RenderPass::state(const char* what) const {
  if (!state_) throw std::logic_error(std::string(what) + ": the pass was moved from");
  return *state_;
}

const RenderImage& RenderPass::image() const { return state("RenderPass::image").image; }

const GaussianModel& RenderPass::model() const {
  return *state("RenderPass::model").model;
}

std::size_t RenderPass::gaussian_count() const { return state("RenderPass::gaussian_count").gaussians; }

const Camera& RenderPass::camera() const { return state("RenderPass::camera").camera; }

const GaussianGradients& RenderPass::backward(const float* dl_drgb, const float* dl_dalpha) {
  RenderPassState& s = state("RenderPass::backward");
  const GaussianModel& model = unchanged_model(s, "RenderPass::backward");
  if (s.cuda) return s.cuda->backward(dl_drgb, dl_dalpha);
  Renderer::Impl& r = *renderer_->impl_;
  s.slots.resize(s.frame.slot_offsets.back());
  // Every thread's scratch holds the largest tile, whichever tiles it gets
  // (sized here, so that the kernels never allocate).
  int largest = 0;
  for (int t = 0; t < s.frame.tile_count(); ++t)
    largest = std::max(largest, s.frame.tile_offsets[t + 1] - s.frame.tile_offsets[t]);
  for (std::vector<cpu::SplatGrad>& scratch : r.scratch)
    if (scratch.size() < static_cast<std::size_t>(largest)) scratch.resize(largest);
  const cpu::RasterInput in = s.raster_input();
  const cpu::BackwardInput gin{s.image.rgb.data(), s.transmittance.data(), dl_drgb, dl_dalpha};
  // Opacity and colour gradients are only needed for appearance, or for the
  // view-direction term of the means when colour depends on direction, or
  // for the compensated opacity's dependence on the screen covariance.
  const bool appearance = !s.options.pose_gradients_only || model.sh_degree > 0 || model.antialiased;
  r.context->run(s.frame.tile_count(), [&](int tile, int thread) {
    cpu::kernels().rasterize_tile_backward(in, gin, tile, appearance, s.slots.data(), r.scratch[thread]);
  });
  reduce_and_backpropagate(*r.context, model, s);
  return s.grads;
}

const std::vector<RenderTangent>& RenderPass::jvp(const std::vector<ModelTangent>& tangents) {
  RenderPassState& s = state("RenderPass::jvp");
  const GaussianModel& model = unchanged_model(s, "RenderPass::jvp");
  if (s.cuda) return s.cuda->jvp(tangents);
  ExecutionContext& context = *renderer_->impl_->context;
  const std::size_t n = model.size();
  for (const ModelTangent& t : tangents)
    if (t.means.size() != 3 * n || t.quats.size() != 4 * n)
      throw std::invalid_argument("RenderPass::jvp: a tangent's means / quats must have " +
                                  std::to_string(3 * n) + " / " + std::to_string(4 * n) +
                                  " values (the model's), got " + std::to_string(t.means.size()) +
                                  " / " + std::to_string(t.quats.size()));
  const int count = static_cast<int>(tangents.size());
  s.splat_tangents.resize(n * tangents.size());
  s.opacity_tangents.resize(s.view.antialiased ? n * tangents.size() : 0);
  float* const opacity_tangents = s.view.antialiased ? s.opacity_tangents.data() : nullptr;
  context.run(gaussian_tasks(n), [&](int task, int) {
    const std::size_t begin = static_cast<std::size_t>(task) * cpu::kGaussiansPerTask;
    cpu::kernels().project_tangents(model, s.view, s.frame.rank_of.data(), tangents.data(), count, begin,
                                    std::min(n, begin + cpu::kGaussiansPerTask), s.splat_tangents.data(),
                                    opacity_tangents);
  });

  const std::size_t pixels = static_cast<std::size_t>(s.frame.width) * s.frame.height;
  s.tangent_images.resize(tangents.size());
  for (RenderTangent& t : s.tangent_images) {
    t.rgb.resize(3 * pixels);
    t.alpha.resize(pixels);
  }
  const cpu::RasterInput in = s.raster_input();
  for (int first = 0; first < count; first += cpu::kMaxTangentsPerPass) {
    cpu::TangentPass pass{s.splat_tangents.data() + first, count, std::min(cpu::kMaxTangentsPerPass, count - first),
                          opacity_tangents ? opacity_tangents + first : nullptr};
    for (int k = 0; k < pass.count; ++k) {
      pass.rgb[k] = s.tangent_images[first + k].rgb.data();
      pass.alpha[k] = s.tangent_images[first + k].alpha.data();
    }
    context.run(s.frame.tile_count(), [&](int tile, int) { cpu::kernels().rasterize_tile_tangent(in, pass, tile); });
  }
  return s.tangent_images;
}

}  // namespace splattrack
