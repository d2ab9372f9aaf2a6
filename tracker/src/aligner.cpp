#include "splattrack/tracker/aligner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "splattrack/tracker/adam.hpp"
#include "splattrack/tracker/pose_gradient.hpp"

namespace splattrack {

namespace {

using clock = std::chrono::steady_clock;
double ms_since(clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
}

int highest_active_band(const std::vector<double>& weights) {
  int b = 0;
  for (int i = 0; i < static_cast<int>(weights.size()); ++i)
    if (weights[static_cast<std::size_t>(i)] > 0) b = i;
  return b;
}

}  // namespace

PoseAligner::PoseAligner(const GaussianModel& centred_model, double object_radius,
                         const RenderOptions& render_options)
    : model_(centred_model), posed_(centred_model), object_radius_(object_radius), renderer_([&] {
        RenderOptions o = render_options;
        o.pose_gradients_only = true;
        return o;
      }()) {}

const RenderImage& PoseAligner::render(const Camera& camera, const RigidPose& pose,
                                       const std::array<float, 3>& background) {
  RenderOptions o = renderer_.options();
  if (o.background != background) {
    o.background = background;
    renderer_.set_options(o);
  }
  apply_pose(model_, pose, posed_);
  posed_translation_ = pose.translation;
  return renderer_.forward(posed_, camera);
}

const std::vector<RenderTangent>& PoseAligner::pose_tangent_images() {
  pose_tangents(posed_, posed_translation_, pose_directions_);
  return renderer_.jvp(pose_directions_);
}

double PoseAligner::spectral_step(TargetLevel& level, const RenderImage& img, const std::vector<double>& weights,
                                  bool use_mask) {
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  observed_colour(img, use_mask, observed_);
  grad_observed_.resize(3 * n);
  grad_rgb_.resize(3 * n);
  grad_alpha_.resize(n);
  const losses::ImageView rgb{observed_.data(), img.width, img.height, 3};
  const losses::ImageView alpha =
      use_mask ? losses::ImageView{img.alpha.data(), img.width, img.height, 1} : losses::ImageView{};
  const double loss = level.spectral->evaluate(rgb, alpha, weights, grad_observed_.data(), grad_alpha_.data());
  observed_colour_backward(img, use_mask, grad_observed_.data(), grad_rgb_.data(), grad_alpha_.data());
  return loss;
}

double PoseAligner::spatial_step(TargetLevel& level, const RenderImage& img, const AlignOptions& options,
                                 bool use_mask) {
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  observed_colour(img, use_mask, observed_);
  grad_observed_.resize(3 * n);
  grad_rgb_.resize(3 * n);
  grad_alpha_.assign(n, 0.f);
  scratch_.resize(3 * n);
  const losses::ImageView rgb{observed_.data(), img.width, img.height, 3};
  const losses::ImageView target{level.frame.rgb.data(), img.width, img.height, 3};
  const double w = options.dssim_weight;
  double loss = (1 - w) * losses::l1_loss(rgb, target, grad_observed_.data());
  loss += w * losses::dssim_loss(rgb, target, scratch_.data(), renderer_.options().threads);
  for (std::size_t i = 0; i < 3 * n; ++i)
    grad_observed_[i] = static_cast<float>((1 - w) * grad_observed_[i] + w * scratch_[i]);
  if (use_mask) {
    const losses::ImageView alpha{img.alpha.data(), img.width, img.height, 1};
    const losses::ImageView mask{level.frame.mask.data(), img.width, img.height, 1};
    loss += options.spatial_mask_weight * losses::l1_loss(alpha, mask, grad_alpha_.data());
    for (float& g : grad_alpha_) g *= static_cast<float>(options.spatial_mask_weight);
  }
  observed_colour_backward(img, use_mask, grad_observed_.data(), grad_rgb_.data(), grad_alpha_.data());
  return loss;
}

AlignResult PoseAligner::align(MatchTarget& target, const RigidPose& start, const AlignOptions& options) {
  AlignResult result;
  result.pose = start;
  const int iterations = std::max(1, options.iterations);
  const losses::AnnealingSchedule schedule(iterations, options.annealing);
  const int bands = options.annealing.band_count;
  const bool use_mask = target.has_mask();
  const std::array<float, 3> background = target.background();
  Adam adam;

  for (int it = 0; it < iterations; ++it) {
    losses::AnnealingState state;
    if (options.start_alpha > 1.0) {
      // Adaptive start: α rises from start_alpha to K by the hand-over.
      const double end = std::max(1.0, options.annealing.handover_fraction * iterations);
      const double a = options.start_alpha + (bands - options.start_alpha) * std::min(1.0, it / end);
      state = schedule.at_alpha(a);
      state.spatial_phase = it >= end;
    } else {
      state = schedule.at(it);
    }
    if (options.photometric) state.spatial_phase = true;
    else if (state.spatial_phase && !options.spatial_phase) break;

    const int level_index =
        state.spatial_phase ? target.level_count() - 1 : target.level_for_band(highest_active_band(state.band_weights));
    TargetLevel& level = target.level(level_index);

    auto t0 = clock::now();
    const RenderImage& img = render(level.camera, result.pose, background);
    result.timings.render_ms += ms_since(t0);

    t0 = clock::now();
    result.loss = state.spatial_phase ? spatial_step(level, img, options, use_mask)
                                      : spectral_step(level, img, state.band_weights, use_mask);
    result.timings.loss_ms += ms_since(t0);

    t0 = clock::now();
    const GaussianGradients& grads = renderer_.backward(grad_rgb_.data(), use_mask ? grad_alpha_.data() : nullptr);
    const PoseGradient g = pose_gradient(posed_, result.pose.translation, grads);
    result.timings.backward_ms += ms_since(t0);

    const bool rotate = !options.translation_only && !state.rotation_frozen;
    // Full steps through the band-0 warm-up, where the object may have to
    // travel more than its own size; then exponential decay.
    const double warm = options.start_alpha > 1.0 ? 0.0 : schedule.warmup_end();
    const double progress = std::max(0.0, (it - warm) / std::max(1.0, iterations - 1.0 - warm));
    const double decay = std::pow(options.lr_final_fraction, progress);
    Adam::Vector6 grad;
    grad << (rotate ? g.rotation : Eigen::Vector3d::Zero()), g.translation * object_radius_;
    Adam::Vector6 lr;
    lr << Eigen::Vector3d::Constant(rotate ? options.lr_rotation * decay : 0.0),
        Eigen::Vector3d::Constant(options.lr_translation * decay);
    const Adam::Vector6 step = adam.step(grad, lr);
    const Eigen::Vector3d omega = step.head<3>();
    if (omega.norm() > 0)
      result.pose.rotation =
          (Eigen::Quaterniond(Eigen::AngleAxisd(omega.norm(), omega.normalized())) * result.pose.rotation)
              .normalized();
    result.pose.translation += step.tail<3>() * object_radius_;
    result.iterations = it + 1;
  }
  return result;
}

}  // namespace splattrack
