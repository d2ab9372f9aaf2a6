#include "splattrack/tracker/aligner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "splattrack/tracker/parameters.hpp"
#include "splattrack/tracker/pose_gradient.hpp"
#include "splattrack/tracker/rigid_pose_block.hpp"

namespace splattrack {

namespace {

using clock = std::chrono::steady_clock;
double ms_since(clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
}

bool same_view(const Camera& a, const Camera& b) {
  return a.width == b.width && a.height == b.height && a.fx == b.fx && a.fy == b.fy && a.cx == b.cx &&
         a.cy == b.cy && a.cam_from_world == b.cam_from_world && a.distortion == b.distortion;
}

bool same_pose(const CentredPose& a, const CentredPose& b) {
  return a.rotation.coeffs() == b.rotation.coeffs() && a.translation == b.translation;
}

}  // namespace

double object_depth(const Camera& camera, const CentredPose& pose) {
  return camera.cam_from_world.block<1, 3>(2, 0).dot(pose.translation) + camera.cam_from_world(2, 3);
}

double approach_floor(const Camera& camera, const CentredPose& before, double object_radius) {
  const double from = object_depth(camera, before);
  // Behind the camera any step is closer to showing the object.
  if (!(from > 0)) return -std::numeric_limits<double>::infinity();
  const double floor = (1 - depth_limits::kMaxApproach) * from;
  const double closest = depth_limits::kMinDepthRadii * object_radius;
  return from > closest ? std::max(floor, closest) : floor;
}

void limit_approach(const Camera& camera, const CentredPose& before, double object_radius, CentredPose& after) {
  const double from = object_depth(camera, before), to = object_depth(camera, after);
  if (!(to < from)) return;
  const double floor = approach_floor(camera, before, object_radius);
  if (to >= floor) return;
  // Depth is affine in the translation: scale the translation step.
  const double keep = (from - floor) / (from - to);
  after.translation = before.translation + keep * (after.translation - before.translation);
}

bool rotation_frozen(const losses::AnnealingState& state) { return state.alpha <= 1.0 && !state.spatial_phase; }

AlignStage align_stage(const losses::AnnealingSchedule& schedule, const AlignOptions& options, int it) {
  const int iterations = std::max(1, options.iterations);
  AlignStage stage;
  if (options.start_alpha > 1.0) {
    // Adaptive start: α rises from start_alpha to K by the hand-over.
    const int bands = options.annealing.band_count;
    const double end = std::max(1.0, options.annealing.handover_fraction * iterations);
    const double a = options.start_alpha + (bands - options.start_alpha) * std::min(1.0, it / end);
    stage.state = schedule.at_alpha(a);
    stage.state.spatial_phase = it >= end;
  } else {
    stage.state = schedule.at(it);
  }
  // Full steps through the band-0 warm-up, where the object may have to
  // travel more than its own size; then exponential decay.
  const double warm = options.start_alpha > 1.0 ? 0.0 : schedule.warmup_end();
  const double progress = std::max(0.0, (it - warm) / std::max(1.0, iterations - 1.0 - warm));
  stage.decay = std::pow(options.lr_final_fraction, progress);
  return stage;
}

PoseAligner::PoseAligner(const GaussianModel& centred_model, double object_radius,
                         const RenderOptions& render_options, ExecutionContext& context)
    : model_(centred_model),
      posed_(centred_model),
      object_radius_(object_radius),
      context_(context),
      renderer_(context, [&] {
        RenderOptions o = render_options;
        o.pose_gradients_only = true;
        return o;
      }()) {}

const RenderImage& PoseAligner::render(const MatchTarget& target, const CentredPose& pose) {
  return render(target.camera(), target.dilation(), target.observation().background(), pose);
}

const RenderImage& PoseAligner::render(const Camera& camera, float dilation, const std::array<float, 3>& background,
                                       const CentredPose& pose) {
  RenderOptions o = renderer_.options();
  const float near_plane =
      static_cast<float>(std::max(depth_limits::kNearFraction * object_depth(camera, pose), 1e-6));
  const bool same_options = o.background == background && o.near_plane == near_plane && o.dilation == dilation;
  if (!same_options) {
    o.background = background;
    o.near_plane = near_plane;
    o.dilation = dilation;
    renderer_.set_options(o);
  }
  // The same pose through the same camera again (the verdict's renders at
  // the pose the optimiser's last evaluation had just rendered): that image.
  if (pass_ && same_options && same_view(camera, rendered_camera_) && same_pose(pose, rendered_pose_))
    return pass_->image();
  rendered_camera_ = camera;
  rendered_pose_ = pose;
  tangent_images_ = nullptr;
  pass_.reset();  // its buffers go back to the renderer before posed_ changes
  apply_pose(model_, pose, posed_);
  posed_translation_ = pose.translation;
  pass_.emplace(renderer_.forward(posed_, camera));
  ++renders_made_;
  return pass_->image();
}

const std::vector<RenderTangent>& PoseAligner::pose_tangent_images() {
  if (!tangent_images_) {
    pose_tangents(posed_, posed_translation_, pose_directions_);
    tangent_images_ = &pass_.value().jvp(pose_directions_);
    ++tangent_passes_made_;
  }
  return *tangent_images_;
}

double PoseAligner::spectral_step(MatchTarget& target, const RenderImage& img, const std::vector<double>& weights) {
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  grad_observed_rgb_.resize(3 * n);
  grad_observed_alpha_.resize(n);
  grad_rgb_.resize(3 * n);
  grad_alpha_.resize(n);
  Observation& observation = target.observation();
  const Observed o = observation.apply(img);
  const double loss =
      target.spectral().evaluate(o.rgb, o.alpha, weights, grad_observed_rgb_.data(), grad_observed_alpha_.data());
  observation.vjp(img, grad_observed_rgb_.data(), grad_observed_alpha_.data(), grad_rgb_.data(), grad_alpha_.data());
  return loss;
}

double PoseAligner::spatial_step(MatchTarget& target, const RenderImage& img, const AlignOptions& options) {
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  grad_observed_rgb_.resize(3 * n);
  grad_observed_alpha_.assign(n, 0.f);
  grad_rgb_.resize(3 * n);
  grad_alpha_.resize(n);
  scratch_.resize(3 * n);
  Observation& observation = target.observation();
  const Observed o = observation.apply(img);
  const Observed t = observation.target();
  const double w = options.dssim_weight;
  double loss = (1 - w) * losses::l1_loss(o.rgb, t.rgb, grad_observed_rgb_.data());
  if (!dssim_ || dssim_size_ != std::pair{img.width, img.height}) {
    dssim_.emplace(img.width, img.height, 3, context_);
    dssim_size_ = {img.width, img.height};
  }
  // Every iteration: a target is per frame, and the spatial phase (off by
  // default) is the cheaper place to pay for that than a frame identity.
  dssim_->set_target(t.rgb);
  loss += w * dssim_->evaluate(o.rgb, scratch_.data());
  for (std::size_t i = 0; i < 3 * n; ++i)
    grad_observed_rgb_[i] = static_cast<float>((1 - w) * grad_observed_rgb_[i] + w * scratch_[i]);
  if (target.has_mask()) {
    loss += options.spatial_mask_weight * losses::l1_loss(o.alpha, t.alpha, grad_observed_alpha_.data());
    for (float& g : grad_observed_alpha_) g *= static_cast<float>(options.spatial_mask_weight);
  }
  observation.vjp(img, grad_observed_rgb_.data(), grad_observed_alpha_.data(), grad_rgb_.data(), grad_alpha_.data());
  return loss;
}

double PoseAligner::image_loss(MatchTarget& target, const RenderImage& img, const losses::AnnealingState& state,
                              const AlignOptions& options) {
  return state.spatial_phase ? spatial_step(target, img, options) : spectral_step(target, img, state.band_weights);
}

const GaussianGradients& PoseAligner::backward() {
  return pass_.value().backward(grad_rgb_.data(), grad_alpha_.data());
}

const GaussianGradients& PoseAligner::backward(const float* dl_drgb, const float* dl_dalpha) {
  return pass_.value().backward(dl_drgb, dl_dalpha);
}

const std::vector<RenderTangent>& PoseAligner::jvp(const std::vector<ModelTangent>& tangents) {
  tangent_images_ = nullptr;  // the pass's tangent images are about to be these
  return pass_.value().jvp(tangents);
}

void PoseAligner::set_shape(const GaussianModel& centred_shape) {
  if (centred_shape.size() != model_.size())
    throw std::invalid_argument("PoseAligner::set_shape: " + std::to_string(centred_shape.size()) +
                                " Gaussians for a model of " + std::to_string(model_.size()));
  // The same shape again (the deformation fit's last, set once more when
  // the frame finishes): the cached render, and the frame's verdict after
  // the fit, stay valid.
  if (centred_shape.means == model_.means && centred_shape.quats == model_.quats) return;
  pass_.reset();  // the cached render is of the old shape
  tangent_images_ = nullptr;
  model_.means = centred_shape.means;
  model_.quats = centred_shape.quats;
}

AlignResult PoseAligner::align(MatchTarget& target, const CentredPose& start, const AlignOptions& options) {
  AlignResult result;
  result.pose = start;
  const int iterations = std::max(1, options.iterations);
  const losses::AnnealingSchedule schedule(iterations, options.annealing);
  ParameterVector params;
  const RigidPoseBlock pose_block(params, object_radius_, options.lr_rotation, options.lr_translation);
  Adam adam(params.size());
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(params.size());

  for (int it = 0; it < iterations; ++it) {
    const AlignStage stage = align_stage(schedule, options, it);
    losses::AnnealingState state = stage.state;
    // What moves follows the schedule's stage for every method: the
    // photometric baseline differs in its loss only (same optimiser, same
    // warm-up, same budget).
    const bool frozen = rotation_frozen(state);
    if (options.photometric) state.spatial_phase = true;
    else if (state.spatial_phase && !options.spatial_phase) break;
    if (it > 0 && options.deadline.passed()) break;

    auto t0 = clock::now();
    const RenderImage& img = render(target, result.pose);
    result.timings.render_ms += ms_since(t0);

    t0 = clock::now();
    result.loss = image_loss(target, img, state, options);
    result.timings.loss_ms += ms_since(t0);

    t0 = clock::now();
    pose_block.gradient(params, posed_, result.pose, backward(), gradient);
    result.timings.backward_ms += ms_since(t0);

    params.freeze(pose_block.rotation(), frozen);
    const CentredPose before = result.pose;
    pose_block.retract(params, adam.step(gradient, params.learning_rates(stage.decay)), result.pose);
    limit_approach(target.camera(), before, object_radius_, result.pose);
    result.iterations = it + 1;
  }
  return result;
}

}  // namespace splattrack
