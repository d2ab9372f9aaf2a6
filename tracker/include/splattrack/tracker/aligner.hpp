// Per-frame pose alignment by gradient descent (Adam) through the renderer:
// spectral-moment loss with frequency annealing, optionally the spatial loss
// after the hand-over (METHOD.md §4–§5). The optimiser works on a
// ParameterVector; the rigid pose is its RigidPoseBlock.
#pragma once

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/pose.hpp"
#include "splattrack/tracker/deadline.hpp"
#include "splattrack/tracker/target.hpp"

namespace splattrack {

// Hand-over late: Adam needs the top bands only for the last tenth (measured
// as above: hand-over at 0.65 of 100 iterations left 1.3° from a 17° start,
// at 0.9 of 150 iterations 0.007°).
inline constexpr double kTrackingHandover = 0.9;

namespace depth_limits {
// The renderer's near plane, as a fraction of the object's distance: relative,
// so that it culls nothing of an object of any size at any distance (a fixed
// 0.2 scene units culled whole objects tracked at a few decimetres, and then
// every gradient was zero).
inline constexpr double kNearFraction = 0.1;
// One optimiser step may bring the object at most this fraction of its
// distance closer, and not closer than kMinDepthRadii object radii from the
// camera (unless it started there): a step that would is shortened, so that
// no step carries the object through the near plane.
inline constexpr double kMaxApproach = 0.2;
inline constexpr double kMinDepthRadii = 1.5;
}  // namespace depth_limits

// The object's depth (camera z of its centre) at `pose`.
double object_depth(const Camera& camera, const CentredPose& pose);

// The least depth a step from `before` may bring the object to
// (depth_limits): kMaxApproach of its distance closer, and not within
// kMinDepthRadii object radii unless it is there already; none (−∞) from
// behind the camera.
double approach_floor(const Camera& camera, const CentredPose& before, double object_radius);

// `after`, a step from `before`, with its translation shortened so that the
// object does not approach the camera faster than depth_limits allow.
void limit_approach(const Camera& camera, const CentredPose& before, double object_radius, CentredPose& after);

struct AlignOptions {
  int iterations = 150;
  losses::AnnealingOptions annealing{losses::kDefaultBandCount, losses::kDefaultWarmupFraction, kTrackingHandover};
  // > 1 starts the window at this α with no warm-up (adaptive annealing for
  // frame-to-frame tracking: the prediction is already inside the basin of
  // the lower bands).
  double start_alpha = 1.0;
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
  Deadline deadline;                // stop early once passed (recovery's budget); after one iteration at least
};

struct AlignTimings {
  double render_ms = 0;
  double loss_ms = 0;
  double backward_ms = 0;
};

struct AlignResult {
  CentredPose pose;
  double loss = 0;      // last iteration's loss (spectral or spatial)
  int iterations = 0;
  AlignTimings timings;
};

// What is frozen when (the tracker's annealing policy): with band 0 alone
// (α ≤ 1) and before the spatial phase, only the translation moves — the
// lowest band sees where the object is, not how it is turned.
bool rotation_frozen(const losses::AnnealingState& state);

// Iteration `it` of an alignment under `options`: the bands' state (from
// band 0 with the warm-up, or the adaptive start's α rising to the last band
// by the hand-over) and the learning rates' scale (full through the warm-up,
// then decaying exponentially to lr_final_fraction).
struct AlignStage {
  losses::AnnealingState state;
  double decay = 1;
};
AlignStage align_stage(const losses::AnnealingSchedule& schedule, const AlignOptions& options, int it);

// Works on a model centred at its bounds' centre, so that rotations turn the
// object about itself and do not swing it around a far origin.
class PoseAligner {
 public:
  // Renders and evaluates its losses on `context`, which must outlive it.
  PoseAligner(const GaussianModel& centred_model, double object_radius, const RenderOptions& render_options,
              ExecutionContext& context);

  AlignResult align(MatchTarget& target, const CentredPose& start, const AlignOptions& options);

  // Renders the centred model at `pose` as `target` compares it: through its
  // window's camera, over its background, with its window's dilation. The
  // image, and the pass behind it, are valid until the next render() of
  // another pose or camera (the same again returns them as they are).
  const RenderImage& render(const MatchTarget& target, const CentredPose& pose);
  // The same through `camera` with `dilation`, over `background`.
  const RenderImage& render(const Camera& camera, float dilation, const std::array<float, 3>& background,
                            const CentredPose& pose);
  // The loss of `img` (the last render()) against `target` in `state` (the
  // spectral bands, or the spatial loss after the hand-over), keeping its
  // gradient for backward().
  double image_loss(MatchTarget& target, const RenderImage& img, const losses::AnnealingState& state,
                    const AlignOptions& options);
  // The last image_loss()'s gradients w.r.t. the posed model's means and
  // quaternions (valid until the next render of another pose or backward).
  const GaussianGradients& backward();
  // The last render()'s pass, for a loss of its own (the deformation's
  // Gauss-Newton): gradients given dL/d rgb and dL/d alpha, and tangent
  // images (RenderPass::backward, RenderPass::jvp).
  const GaussianGradients& backward(const float* dl_drgb, const float* dl_dalpha);
  const std::vector<RenderTangent>& jvp(const std::vector<ModelTangent>& tangents);
  // The model as the last render() posed it.
  const GaussianModel& posed() const { return posed_; }
  // The shape rendered from now on: the centred model deformed (the same
  // Gaussians, means and quaternions moved; deformation.hpp). The rest shape
  // until set; setting the shape it has keeps the last render.
  void set_shape(const GaussianModel& centred_shape);
  // The derivatives of the last render() along the six pose directions of
  // pose_tangents (pose_gradient.hpp): world rotation vector about the posed
  // origin, then world translation. Exact forward mode (RenderPass::jvp);
  // computed once per render, valid as long as its image.
  const std::vector<RenderTangent>& pose_tangent_images();
  // Renders and tangent passes made so far (requests the cache answered not
  // counted): what reusing them saves.
  int renders_made() const { return renders_made_; }
  int tangent_passes_made() const { return tangent_passes_made_; }
  // Both together: the work done, the same on any machine (recovery's budget
  // in renders, FrameResult::renders).
  long work_done() const { return long{renders_made_} + tangent_passes_made_; }
  double object_radius() const { return object_radius_; }
  const GaussianModel& model() const { return model_; }

 private:
  // Loss and ∂L/∂image of the render; fill grad_rgb_ / grad_alpha_.
  double spectral_step(MatchTarget& target, const RenderImage& img, const std::vector<double>& weights);
  double spatial_step(MatchTarget& target, const RenderImage& img, const AlignOptions& options);

  GaussianModel model_;  // centred, in the shape set (the rest shape unless set_shape)
  GaussianModel posed_;  // scratch: model_ moved to the current pose
  Eigen::Vector3d posed_translation_ = Eigen::Vector3d::Zero();  // of posed_
  std::vector<ModelTangent> pose_directions_;  // [6] scratch for pose_tangent_images
  double object_radius_;
  ExecutionContext& context_;
  Renderer renderer_;
  std::optional<RenderPass> pass_;            // of the last render(): what backward and jvp act on
  Camera rendered_camera_;                    // and the camera and pose it rendered
  CentredPose rendered_pose_;
  const std::vector<RenderTangent>* tangent_images_ = nullptr;  // pass_'s pose tangents; null: not made yet
  int renders_made_ = 0, tangent_passes_made_ = 0;
  std::optional<losses::DssimLoss> dssim_;    // the spatial phase's, for the image size in use
  std::pair<int, int> dssim_size_{0, 0};
  // [H, W, 3] / [H, W]: dL/d observed, dL/d render, scratch of D-SSIM
  std::vector<float> grad_observed_rgb_, grad_observed_alpha_, grad_rgb_, grad_alpha_, scratch_;
};

}  // namespace splattrack
