// Per-frame pose alignment by gradient descent (Adam) through the renderer:
// spectral-moment loss with frequency annealing on a coarse-to-fine pyramid,
// then the spatial loss at full resolution (METHOD.md §4–§5).
#pragma once

#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"
#include "splattrack/tracker/pose.hpp"
#include "splattrack/tracker/target.hpp"

namespace splattrack {

// Hand-over late: Adam needs the top bands only for the last tenth (measured
// as above: hand-over at 0.65 of 100 iterations left 1.3° from a 17° start,
// at 0.9 of 150 iterations 0.007°).
inline constexpr double kTrackingHandover = 0.9;

struct AlignOptions {
  int iterations = 150;
  losses::AnnealingOptions annealing{losses::kDefaultBandCount, losses::kDefaultWarmupFraction, kTrackingHandover};
  // > 1 starts the window at this α with no warm-up (adaptive annealing for
  // frame-to-frame tracking: the prediction is already inside the basin of
  // the lower bands).
  double start_alpha = 1.0;
  bool translation_only = false;
  // The photometric baseline: the spatial loss from the first iteration, no
  // spectral bands (for comparisons; the same optimiser and budget).
  bool photometric = false;
  // After the hand-over: true switches to the spatial loss (METHOD.md §5);
  // false stops there. Measured on synthetic frames (4000-Gaussian object,
  // 128², 100 iterations, from the true pose): Adam on L1 + D-SSIM after the
  // hand-over ended 0.5° off, full-band spectral to the end 0.005°, so the
  // spatial phase is off by default.
  bool spatial_phase = false;
  double lr_translation = 0.04;     // object radii per iteration at the start
  double lr_rotation = 0.04;        // radians per iteration at the start
  double lr_final_fraction = 0.01;  // learning rates decay exponentially to this fraction
  double dssim_weight = 0.2;        // L = (1 − w) L1 + w D-SSIM on colour, as 3DGS
  double spatial_mask_weight = 0.5; // + this × L1(alpha, mask)
};

struct AlignTimings {
  double render_ms = 0;
  double loss_ms = 0;
  double backward_ms = 0;
};

struct AlignResult {
  RigidPose pose;       // of the centred model
  double loss = 0;      // last iteration's loss (spectral or spatial)
  int iterations = 0;
  AlignTimings timings;
};

// Works on a model centred at its bounds' centre, so that rotations turn the
// object about itself and do not swing it around a far origin.
class PoseAligner {
 public:
  PoseAligner(const GaussianModel& centred_model, double object_radius, const RenderOptions& render_options);

  AlignResult align(MatchTarget& target, const RigidPose& start, const AlignOptions& options);

  // Renders the centred model at `pose` through `camera`.
  const RenderImage& render(const Camera& camera, const RigidPose& pose, const std::array<float, 3>& background);
  // The derivatives of the last render() along the six pose directions of
  // pose_tangents (pose_gradient.hpp): world rotation vector about the posed
  // origin, then world translation. Exact forward mode (Renderer::jvp).
  const std::vector<RenderTangent>& pose_tangent_images();
  double object_radius() const { return object_radius_; }
  const GaussianModel& model() const { return model_; }

 private:
  // Loss and ∂L/∂image at one level; fills grad_rgb_ / grad_alpha_.
  double spectral_step(TargetLevel& level, const RenderImage& img, const std::vector<double>& weights,
                       bool use_mask);
  double spatial_step(TargetLevel& level, const RenderImage& img, const AlignOptions& options, bool use_mask);

  GaussianModel model_;  // centred, rest pose
  GaussianModel posed_;  // scratch: model_ moved to the current pose
  Eigen::Vector3d posed_translation_ = Eigen::Vector3d::Zero();  // of posed_
  std::vector<ModelTangent> pose_directions_;  // [6] scratch for pose_tangent_images
  double object_radius_;
  Renderer renderer_;
  std::vector<float> observed_, grad_observed_, grad_rgb_, grad_alpha_, scratch_;
};

}  // namespace splattrack
