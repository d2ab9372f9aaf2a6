#include "splattrack/tracker/deform_fit.hpp"

#include <algorithm>
#include <chrono>

#include "splattrack/tracker/node_block.hpp"
#include "splattrack/tracker/parameters.hpp"
#include "splattrack/tracker/pose_gradient.hpp"
#include "splattrack/tracker/regularisers.hpp"
#include "splattrack/tracker/rigid_pose_block.hpp"

namespace splattrack {
namespace {

// Adds w × g to `sum`.
void add_scaled(NodeGradients& sum, const NodeGradients& g, double w) {
  for (int k = 0; k < sum.size(); ++k) {
    sum.rotations[k] += w * g.rotations[k];
    sum.translations[k] += w * g.translations[k];
  }
}

}  // namespace

DeformOptions::DeformOptions() {
  fit.iterations = 30;
  fit.lr_rotation = 0.01;
  fit.lr_translation = 0.01;
  fit.lr_final_fraction = 0.1;
  // The top three bands of the default eight, as the rigid tracking's LM.
  fit.start_alpha = losses::kDefaultBandCount - 3;
}

DeformFit::DeformFit(Deformation deformation, double object_radius, const DeformOptions& options,
                     ExecutionContext& context)
    : deformation_(std::move(deformation)),
      radius_(object_radius),
      options_(options),
      context_(context),
      current_(NodeTransforms::identity(deformation_.node_count())),
      last_(current_),
      before_last_(current_),
      shape_(deformation_.rest()) {}

NodeTransforms DeformFit::predicted() const {
  if (!has_before_last_ || !options_.predict_nodes) return last_;
  NodeTransforms p = last_;
  for (int k = 0; k < p.size(); ++k) {
    p.rotations[k] = (last_.rotations[k] * before_last_.rotations[k].conjugate() * last_.rotations[k]).normalized();
    p.translations[k] = 2 * last_.translations[k] - before_last_.translations[k];
  }
  return p;
}

void DeformFit::set_shape(PoseAligner& aligner, const NodeTransforms& transforms) {
  deformation_.apply(transforms, shape_, context_);
  aligner.set_shape(shape_);
}

CentredPose DeformFit::fit(PoseAligner& aligner, MatchTarget& target, const CentredPose& start, double& optimiser_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  const NodeTransforms reference = predicted();
  CentredPose pose = start;
  current_ = options_.optimiser == DeformOptimiser::gauss_newton
                 ? fit_gauss_newton(aligner, target, pose, reference, reference)
                 : fit_adam(aligner, target, pose, reference);
  set_shape(aligner, current_);
  optimiser_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return pose;
}

NodeTransforms DeformFit::fit_adam(PoseAligner& aligner, MatchTarget& target, CentredPose& pose,
                                   const NodeTransforms& reference) {
  AlignOptions o = options_.fit;
  o.annealing.band_count = target.band_count();
  o.start_alpha = std::clamp(o.start_alpha, 1.0, static_cast<double>(o.annealing.band_count));
  ParameterVector params;
  const RigidPoseBlock pose_block(params, radius_, o.lr_rotation, o.lr_translation);
  const NodeBlock node_block(params, deformation_.node_count(), radius_, options_.lr_node_rotation,
                             options_.lr_node_translation);
  const int iterations = std::max(1, o.iterations);
  const losses::AnnealingSchedule schedule(iterations, o.annealing);
  Adam adam(params.size());
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(params.size());
  NodeTransforms transforms = reference;
  const ControlPoints& nodes = deformation_.nodes();
  for (int it = 0; it < iterations; ++it) {
    const AlignStage stage = align_stage(schedule, o, it);
    if (stage.state.spatial_phase && !o.spatial_phase && !o.photometric) break;
    set_shape(aligner, transforms);
    const RenderImage& img = aligner.render(target, pose);
    losses::AnnealingState state = stage.state;
    state.spatial_phase = state.spatial_phase || o.photometric;
    aligner.image_loss(target, img, state, o);
    const GaussianGradients& grads = aligner.backward();
    pose_block.gradient(params, aligner.posed(), pose, grads, gradient);
    unposed_gradients(pose, grads, unposed_);
    deformation_.backward(transforms, unposed_, node_grads_, context_);
    NodeGradients reg;
    reg.set_zero(deformation_.node_count());
    arap_energy(nodes, transforms, radius_, &reg);
    add_scaled(node_grads_, reg, options_.arap_weight);
    reg.set_zero(deformation_.node_count());
    temporal_energy(transforms, reference, radius_, &reg);
    add_scaled(node_grads_, reg, options_.temporal_weight);
    node_block.gradient(params, transforms, node_grads_, gradient);

    const Eigen::VectorXd step = adam.step(gradient, params.learning_rates(stage.decay));
    const CentredPose before = pose;
    pose_block.retract(params, step, pose);
    limit_approach(target.camera(), before, radius_, pose);
    node_block.retract(params, step, transforms);
  }
  return transforms;
}

void DeformFit::replay(const NodeTransforms& transforms) { current_ = transforms; }

void DeformFit::finish(PoseAligner& aligner, TrackStatus status) {
  if (status == TrackStatus::tracking || status == TrackStatus::degraded) {
    before_last_ = last_;
    has_before_last_ = has_last_;
    last_ = current_;
    has_last_ = true;
  } else {
    // Lost or found again by recovery: the shape goes back to the last one
    // followed, and its motion is forgotten.
    current_ = last_;
    has_before_last_ = false;
  }
  set_shape(aligner, current_);
}

}  // namespace splattrack
